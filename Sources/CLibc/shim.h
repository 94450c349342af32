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

#include <unistd.h>
#include <sys/syscall.h>

// A file descriptor that becomes readable when process `pid` exits — for watching agents
// that are not our children (re-adopted after a restart). -1 where the kernel lacks it.
static inline int factory_pidfd_open(pid_t pid) {
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    return -1;
#endif
}

#endif
