#ifndef FACTORY_CLIBC_SHIM_H
#define FACTORY_CLIBC_SHIM_H

#include <wchar.h>
#include <locale.h>
#include <spawn.h>

// glibc functions the Swift Glibc overlay does not export (they need _XOPEN_SOURCE or
// _GNU_SOURCE); declared here so Swift can call them.
int wcwidth(wchar_t c);
int pipe2(int pipefd[2], int flags);
int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *actions, const char *path);

#endif
