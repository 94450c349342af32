import CLibc
import Dispatch
import Foundation
import InertText
#if canImport(Glibc)
import Glibc
#endif

/// The user's notify command, run once per alert: an argv (never a shell), the event as one
/// JSON line on its stdin, its output appended to `.agent-comms/logs/notify.log` (never the
/// terminal: a dashboard's screen or `run --headless`'s JSON lines; in a session of its own
/// it cannot open `/dev/tty` either), and its whole process group killed after `timeout`
/// seconds. Runs go one at a time on the hook's own queue, so a slow command delays the
/// next alert, never the engine.
public final class NotifyHook: Sendable {
    public let argv: [String]
    let directory: String
    let log: String
    let timeout: Double
    private let queue = DispatchQueue(label: "factory.notify-hook")

    public init(argv: [String], directory: String, log: String, timeout: Double = 5) {
        self.argv = argv
        self.directory = directory
        self.log = log
        self.timeout = timeout
    }

    /// Runs the command for `event`; `done` hears why it failed, or nil when it succeeded.
    public func run(_ event: NotifyEvent, done: @escaping @Sendable (String?) -> Void) {
        queue.async { [self] in
            let failure = runNow(event)
            if let failure { appendToLog("factory: \(failure)\n") }
            done(failure)
        }
    }

    /// Waits for every run asked for so far (tests).
    public func settle() { queue.sync {} }

    private func runNow(_ event: NotifyEvent) -> String? {
        guard var line = try? Inert.json(event) else { return "cannot encode the event" }
        line.append(0x0A)
        // The event goes into a pipe before the command starts: it is small (messages are
        // one line), the pipe's buffer holds it, and a command that never reads cannot block us.
        var ends: [Int32] = [0, 0]
        guard pipe2(&ends, O_CLOEXEC) == 0 else { return "cannot create a pipe: \(String(cString: strerror(errno)))" }
        let written = line.withUnsafeBytes { write(ends[1], $0.baseAddress, $0.count) }
        close(ends[1])
        defer { close(ends[0]) }
        guard written == line.count else { return "cannot write the event for the notify command" }
        let output = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        defer { if output >= 0 { close(output) } }
        let pid: pid_t
        do {
            pid = try spawnProcess(argv, directory: directory, stdin: ends[0], stdout: output >= 0 ? output : nil,
                                   stderr: output >= 0 ? output : nil, newSession: true)
        } catch { return error.description }
        guard let status = Self.wait(pid, seconds: timeout) else {
            kill(-pid, SIGKILL)
            _ = waitForExit(pid)
            return "the notify command \(argv[0]) did not finish within \(String(format: "%g", timeout)) s and was stopped"
        }
        return status == 0 ? nil : "the notify command \(argv[0]) exited with status \(status)"
    }

    /// The child's exit status, or nil if it is still running after `seconds`.
    static func wait(_ pid: pid_t, seconds: Double) -> Int32? {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        let fd = factory_pidfd_open(pid)
        defer { if fd >= 0 { close(fd) } }
        while true {
            let now = DispatchTime.now().uptimeNanoseconds
            guard now < deadline else { return nil }
            if fd >= 0 {
                var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                if poll(&ready, 1, Int32(max(1, (deadline - now) / 1_000_000))) > 0 { return waitForExit(pid) }
            } else {
                // A kernel without pidfd: look every 20 ms.
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid { return exitStatus(status) }
                usleep(20_000)
            }
        }
    }

    private func appendToLog(_ text: String) {
        let fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        _ = text.withCString { write(fd, $0, strlen($0)) }
    }
}
