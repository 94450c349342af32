#if canImport(Glibc)
import Glibc
#endif
import CLibc

/// Runs a short-lived command to completion and collects its output: git, mostly.
/// argv only — never a shell — and stdin from /dev/null so a child never reads the terminal.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var succeeded: Bool { status == 0 }
    /// stdout stopped at the limit asked for: the rest was never read.
    public var cut = false

    /// The first line of stderr (or stdout), for one-line errors.
    public var firstErrorLine: String {
        let text = stderr.isEmpty ? stdout : stderr
        return text.split(separator: "\n").first.map(String.init) ?? "exit status \(status)"
    }
}

public enum ProcessRunner {
    /// `limit`: read at most that many bytes of stdout, then close it (the child ends on
    /// its broken pipe) and mark the result `cut`. `timeout`: seconds after which the child
    /// is killed (for a command whose config someone else wrote, which may never end).
    public static func run(_ argv: [String], in directory: String? = nil, environment: [String: String] = [:],
                           limit: Int? = nil, timeout: Double? = nil) -> ProcessResult {
        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe2(&outPipe, O_CLOEXEC) == 0, pipe2(&errPipe, O_CLOEXEC) == 0 else {
            return ProcessResult(status: 127, stdout: "", stderr: "cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        let pid: pid_t
        do {
            pid = try spawnProcess(argv, directory: directory, environment: environment, stdout: outPipe[1], stderr: errPipe[1])
        } catch {
            close(outPipe[0]); close(outPipe[1]); close(errPipe[0]); close(errPipe[1])
            return ProcessResult(status: 127, stdout: "", stderr: error.description)
        }
        close(outPipe[1])
        close(errPipe[1])
        let deadline = timeout.map { monotonicNow() + $0 }
        let (out, err, cut, late) = drain(outPipe[0], errPipe[0], limit: limit ?? Int.max, deadline: deadline) { kill(pid, SIGKILL) }
        var result = ProcessResult(status: waitForExit(pid), stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
        result.cut = cut
        if late, let timeout { result.stderr = "\(argv[0]) did not finish in \(Int(timeout)) s and was stopped\n" + result.stderr }
        return result
    }

    /// Reads both pipes to EOF without letting either fill up and stall the child; the
    /// first no further than `limit` bytes.
    /// Past `deadline` (monotonic seconds), `late` is called once and reading goes on to the end.
    private static func drain(_ a: Int32, _ b: Int32, limit: Int, deadline: Double? = nil,
                              late: () -> Void = {}) -> ([UInt8], [UInt8], Bool, Bool) {
        var fds = [pollfd(fd: a, events: Int16(POLLIN), revents: 0), pollfd(fd: b, events: Int16(POLLIN), revents: 0)]
        var out: [[UInt8]] = [[], []]
        var open = 2
        var buffer = [UInt8](repeating: 0, count: 65536)
        var cut = false
        var overdue = false
        while open > 0 {
            let wait = deadline.map { overdue ? -1 : Int32(max(0, ($0 - monotonicNow()) * 1000)) } ?? -1
            let ready = poll(&fds, 2, wait)
            guard ready >= 0 || errno == EINTR else { break }
            if ready == 0, !overdue, deadline != nil {
                overdue = true
                late()
                continue
            }
            for i in 0..<2 where fds[i].fd >= 0 && fds[i].revents != 0 {
                let n = read(fds[i].fd, &buffer, buffer.count)
                if n > 0 { out[i].append(contentsOf: buffer[0..<n]) }
                let full = i == 0 && n > 0 && out[0].count > limit
                if full {
                    out[0].removeLast(out[0].count - limit)
                    cut = true
                }
                if full || n == 0 || (n < 0 && errno != EINTR) {
                    close(fds[i].fd)
                    fds[i].fd = -1
                    open -= 1
                }
            }
        }
        return (out[0], out[1], cut, overdue)
    }

    static func currentEnvironment() -> [String: String] {
        var env: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { env[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return env
    }
}
