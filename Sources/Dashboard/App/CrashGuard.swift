#if canImport(Glibc)
import Glibc
#endif

/// Gives the terminal back if the process dies on a signal while the screen is up: the
/// saved terminal modes are restored, the alternate screen is left and the cursor shown
/// (`endwin` is not safe in a signal handler; these writes are), then the signal is raised
/// again with its default action so the exit status tells the truth.
enum CrashGuard {
    nonisolated(unsafe) static var saved = termios()
    nonisolated(unsafe) static var armed = false

    static func install() {
        guard tcgetattr(0, &saved) == 0 else { return }
        armed = true
        for sig in [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in
                if CrashGuard.armed {
                    tcsetattr(0, TCSANOW, &CrashGuard.saved)
                    // Leave the alternate screen, show the cursor: the terminal's own
                    // restore, not drawing.
                    let restore: [UInt8] = Array("\u{1B}[?1049l\u{1B}[?25h\u{1B}[0m\r\n".utf8)
                    _ = restore.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
                }
                Glibc.signal(signal, SIG_DFL)
                raise(signal)
            }
            action.sa_flags = 0
            sigaction(sig, &action, nil)
        }
    }

    static func disarm() { armed = false }
}
