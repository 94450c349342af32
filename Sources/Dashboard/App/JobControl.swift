#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-Z and `fg` for the dashboard. The signals are caught with plain handlers that only
/// write a byte to a pipe, which the dashboard's queue reads: a Dispatch signal source can
/// miss SIGTSTP, because curses sets it to SIG_IGN for the length of each screen update
/// unless a handler is already there when curses starts — so this is installed first.
enum JobControl {
    /// The pipe's end the handlers write to (a plain value: read inside a signal handler).
    nonisolated(unsafe) static var writeEnd: Int32 = -1
    static let stop: UInt8 = 0x7A, resume: UInt8 = 0x63

    /// Installs the handlers (before curses starts); returns the end to read, or nil.
    static func install() -> Int32? {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return nil }
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        writeEnd = fds[1]
        for sig in [SIGTSTP, SIGCONT] { catchSignal(sig) }
        return fds[0]
    }

    private static func catchSignal(_ sig: Int32) {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signal in
            var byte = signal == SIGTSTP ? JobControl.stop : JobControl.resume
            _ = write(JobControl.writeEnd, &byte, 1)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(sig, &action, nil)
    }

    /// Stops the process as Ctrl-Z does by default; returns once continued. The signal is
    /// raised in this thread, unblocked here, so the stop happens before `raise` returns
    /// (sent to the process, another thread could take it after the handler is back).
    static func stopHere() {
        var tstp = sigset_t(), previous = sigset_t()
        sigemptyset(&tstp)
        sigaddset(&tstp, SIGTSTP)
        signal(SIGTSTP, SIG_DFL)
        pthread_sigmask(SIG_UNBLOCK, &tstp, &previous)
        raise(SIGTSTP)
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        catchSignal(SIGTSTP)
    }

    /// What arrived since the last read: a stop asked for, a resume seen.
    static func drain(_ fd: Int32) -> (stop: Bool, resume: Bool) {
        var bytes = [UInt8](repeating: 0, count: 64)
        var stop = false, resume = false
        while true {
            let n = read(fd, &bytes, bytes.count)
            guard n > 0 else { break }
            stop = stop || bytes[..<n].contains(Self.stop)
            resume = resume || bytes[..<n].contains(Self.resume)
        }
        return (stop, resume)
    }
}
