#ifndef FACTORY_CCRYPTO_SHIM_H
#define FACTORY_CCRYPTO_SHIM_H

// SHA-256 from the system's libcrypto (OpenSSL): the seal on an approved plan.
#include <openssl/sha.h>

#endif
