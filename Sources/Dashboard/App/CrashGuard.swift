#if canImport(Glibc)
import Glibc
#endif

/// Gives the terminal back if the process dies on a signal while the screen is up: the
/// saved terminal modes are restored, the alternate screen is left and the cursor shown
/// (`endwin` is not safe in a signal handler; these writes are). Then the handler that was
/// there before — the Swift runtime's backtracer, whose report goes to the dashboard log —
/// is put back and the signal raised again, so the crash is reported and the exit status
/// tells the truth.
enum CrashGuard {
    nonisolated(unsafe) static var saved = termios()
    nonisolated(unsafe) static var armed = false
    /// Previous handlers, by signal number (fixed storage: read inside a signal handler).
    nonisolated(unsafe) static var previous: [sigaction] = Array(repeating: sigaction(), count: 65)

    static let signals = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE]

    static func install() {
        guard tcgetattr(0, &saved) == 0 else { return }
        armed = true
        for sig in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = { signal, info, _ in
                if CrashGuard.armed {
                    CrashGuard.armed = false
                    tcsetattr(0, TCSANOW, &CrashGuard.saved)
                    // Leave the alternate screen, show the cursor, reset attributes, bracketed
                    // paste off (terminfo's BD, which cannot be looked up here, is this
                    // sequence wherever it exists), mouse reports off, cursor keys and keypad
                    // back to normal (terminfo's rmkx on ANSI terminals; left in application
                    // mode, the shell's arrow keys would send other codes): the terminal's own
                    // restore, not drawing.
                    let restore: [UInt8] = Array("\u{1B}[?1000l\u{1B}[?1006l\u{1B}[?2004l\u{1B}[?1l\u{1B}>\u{1B}[?1049l\u{1B}[?25h\u{1B}[0m\r\n".utf8)
                    _ = restore.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
                }
                // A fault is reported by the previous handler (the Swift backtracer) when the
                // faulting instruction runs again; a signal sent with kill would not come
                // back, so it gets the default action.
                let sentByKill = (info?.pointee.si_code ?? 0) <= 0
                if sentByKill {
                    Glibc.signal(signal, SIG_DFL)
                } else {
                    sigaction(signal, &CrashGuard.previous[Int(signal)], nil)
                }
                raise(signal)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_SIGINFO
            sigaction(sig, &action, &previous[Int(sig)])
        }
    }

    static func disarm() { armed = false }
}
