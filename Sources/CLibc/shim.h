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
// Returns freed heap in glibc's arenas to the system (malloc.h).
int malloc_trim(size_t pad);
// Case-insensitive substring search (the dashboard's message search, over every message).
char *strcasestr(const char *haystack, const char *needle);

#include <unistd.h>
#include <sys/syscall.h>
#include <sys/signalfd.h>
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>

// _GNU_SOURCE parts of glibc: accept4 (close-on-exec, non-blocking in one call) and O_PATH
// (a folder opened only to name it, for socket paths longer than sun_path).
int accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);
#ifndef O_PATH
#define O_PATH 010000000
#endif
static const int factory_open_path = O_PATH;

// Swaps two paths in one step (renameat2 with RENAME_EXCHANGE, Linux 3.15+): a new file goes
// in and the one it replaced stays at hand, to see whether it is still the one that was read.
// -1 with errno EINVAL, ENOSYS, EXDEV or EOPNOTSUPP where the file system or kernel cannot.
static inline int factory_exchange_paths(const char *a, const char *b) {
#ifdef SYS_renameat2
    return (int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, 1 << 1 /* RENAME_EXCHANGE */);
#else
    errno = ENOSYS;
    return -1;
#endif
}

// A file descriptor that becomes readable when process `pid` exits — for watching agents
// that are not our children (re-adopted after a restart). -1 where the kernel lacks it.
static inline int factory_pidfd_open(pid_t pid) {
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    return -1;
#endif
}

#include <sys/prctl.h>

// Makes this process the reaper of its orphaned descendants (Linux 3.4+): a keeper then
// inherits whatever its agent left behind — even in a session of its own — and can end it.
static inline int factory_become_subreaper(void) {
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

// A new session for the child of posix_spawn (glibc 2.26+): the keeper and its agent then
// have no controlling terminal, so /dev/tty cannot be opened.
#ifndef POSIX_SPAWN_SETSID
#define POSIX_SPAWN_SETSID 0x80
#endif
static const short factory_spawn_setsid = POSIX_SPAWN_SETSID;

// Closes every descriptor from `first` up that was inherited across exec (they are the ones
// without close-on-exec; the runtime's own have it): a long-lived keeper must not hold the
// engine's locks, sockets or the user's terminal, nor pass them to its agent.
static inline void factory_close_inherited(int first) {
    DIR *dir = opendir("/proc/self/fd");
    if (!dir) return;
    int own = dirfd(dir), found[1024], count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL && count < 1024) {
        if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
        int fd = atoi(entry->d_name);
        if (fd < first || fd == own) continue;
        int flags = fcntl(fd, F_GETFD);
        if (flags >= 0 && !(flags & FD_CLOEXEC)) found[count++] = fd;
    }
    closedir(dir);
    for (int i = 0; i < count; i++) close(found[i]);
}

// The pid and uid of the process at the other end of a connected Unix socket, as the kernel
// recorded them when it connected (SO_PEERCRED): who sent a command to the engine. The
// struct is the kernel's `ucred`, declared here because glibc shows it only to _GNU_SOURCE.
struct factory_peer { int pid; unsigned int uid; unsigned int gid; };
static inline int factory_peer_credentials(int fd, struct factory_peer *peer) {
    socklen_t length = sizeof *peer;
    return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, peer, &length);
}

#endif

