#ifndef FACTORY_CWIDTH_SHIM_H
#define FACTORY_CWIDTH_SHIM_H

#include <wchar.h>
#include <locale.h>

// Glibc's Swift overlay does not export wcwidth (it needs _XOPEN_SOURCE); declare it.
int wcwidth(wchar_t c);

#endif
