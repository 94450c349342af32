import CLibc
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Starts agent processes and tells the engine when they end.
///
/// An agent is started from an argv (never a shell string), in its worktree, with stdin on
/// /dev/null and its own process group (so killing it kills what it started). Its stdout and
/// stderr go through a pipe into a size-capped log; the time of its last output feeds stall
/// detection. Exits are reported on the engine's queue.
public final class AgentSupervisor: @unchecked Sendable {
    public struct Exit: Sendable {
        public var role: String
        public var pid: Int32
        /// Nil for a process that is not our child (its status cannot be read).
        public var status: Int32?
        public var signal: Int32?
    }

    private let engineQueue: DispatchQueue
    private let outputQueue = DispatchQueue(label: "factory.agent-output")
    private let logsDirectory: String
    private let onExit: @Sendable (Exit) -> Void
    private let lock = NSLockLike()
    private var lastOutput: [String: Double] = [:]
    private var sources: [Int32: DispatchSourceRead] = [:]

    public init(engineQueue: DispatchQueue, logsDirectory: String, onExit: @escaping @Sendable (Exit) -> Void) {
        self.engineQueue = engineQueue
        self.logsDirectory = logsDirectory
        self.onExit = onExit
    }

    public func lastOutputTime(_ role: String) -> Double? { lock.withLock { lastOutput[role] } }

    /// Starts `argv` for `role`; returns its pid.
    ///
    /// `detached`: for a short-lived `factory spawn` with no engine driving — the agent must
    /// outlive this process, so its output goes straight to its log (uncapped) instead of
    /// through a pipe that would close under it; a later engine re-adopts it.
    public func spawn(role: String, argv: [String], directory: String, environment: [String: String],
                      detached: Bool = false) throws(SpawnError) -> Int32 {
        guard !argv.isEmpty else { throw SpawnError("the launch command for \(role) is empty") }
        if detached {
            let log = open("\(logsDirectory)/\(role).log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard log >= 0 else { throw SpawnError("cannot open \(role)'s log: \(String(cString: strerror(errno)))") }
            defer { close(log) }
            return try spawnProcess(argv, directory: directory, environment: environment, stdout: log, stderr: log, newGroup: true)
        }
        var fds: [Int32] = [0, 0]
        guard pipe2(&fds, O_CLOEXEC) == 0 else { throw SpawnError("cannot create a pipe: \(String(cString: strerror(errno)))") }
        let pid: pid_t
        do {
            pid = try spawnProcess(argv, directory: directory, environment: environment, stdout: fds[1], stderr: fds[1], newGroup: true)
        } catch {
            close(fds[0])
            close(fds[1])
            throw SpawnError("cannot start \(argv[0]) for \(role): \(error.description.replacingOccurrences(of: "cannot run \(argv[0]): ", with: ""))")
        }
        close(fds[1])
        lock.withLock { lastOutput[role] = monotonicNow() }
        pump(role: role, fd: fds[0])
        wait(role: role, pid: pid)
        return pid
    }

    /// Copies the agent's output into its log until the pipe closes.
    private func pump(role: String, fd: Int32) {
        let log = AgentLog(path: "\(logsDirectory)/\(role).log")
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: outputQueue)
        var buffer = [UInt8](repeating: 0, count: 65536)
        source.setEventHandler { [weak self] in
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    buffer.withUnsafeBytes { log.append(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                    self?.lock.withLock { self?.lastOutput[role] = monotonicNow() }
                    continue
                }
                if n < 0 && (errno == EAGAIN || errno == EINTR) { return }
                source.cancel()
                return
            }
        }
        source.setCancelHandler {
            close(fd)
            log.finish()
        }
        lock.withLock { sources[fd] = source }
        source.resume()
    }

    /// Waits for our child on a worker thread and reports on the engine queue.
    private func wait(role: String, pid: Int32) {
        let report = onExit
        let queue = engineQueue
        DispatchQueue.global(qos: .utility).async {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let signaled = (status & 0x7f) != 0 && (status & 0x7f) != 0x7f
            let exit = Exit(role: role, pid: pid, status: signaled ? nil : (status >> 8) & 0xff, signal: signaled ? status & 0x7f : nil)
            queue.async { report(exit) }
        }
    }

    /// Watches a process we did not start (re-adopted after a restart) until it exits: a
    /// pidfd becomes readable at exit, waited on by a worker thread — no polling.
    public func adopt(role: String, pid: Int32) -> Bool {
        let fd = factory_pidfd_open(pid)
        guard fd >= 0 else { return false }
        let report = onExit
        let queue = engineQueue
        DispatchQueue.global(qos: .utility).async {
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            while poll(&entry, 1, -1) < 0 && errno == EINTR {}
            close(fd)
            queue.async { report(Exit(role: role, pid: pid, status: nil, signal: nil)) }
        }
        return true
    }

    /// SIGTERM to the agent's process group, SIGKILL two seconds later if it still runs.
    public func terminate(pid: Int32, grace: Double = 2) {
        Glibc.kill(-pid, SIGTERM)
        Glibc.kill(pid, SIGTERM)
        engineQueue.asyncAfter(deadline: .now() + grace) {
            if Glibc.kill(pid, 0) == 0 {
                Glibc.kill(-pid, SIGKILL)
                Glibc.kill(pid, SIGKILL)
            }
        }
    }
}

public struct SpawnError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A mutex without Foundation's overhead.
final class NSLockLike: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func withLock<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }
}

func monotonicNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func wallNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Start time of a process in clock ticks since boot (field 22 of /proc/PID/stat).
func processStartTicks(_ pid: Int32) -> UInt64? {
    let fd = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes = [UInt8](repeating: 0, count: 1024)
    let n = read(fd, &bytes, bytes.count)
    guard n > 0 else { return nil }
    let text = String(decoding: bytes.prefix(n), as: UTF8.self)
    // The command name (field 2) may hold spaces; fields resume after its closing paren.
    guard let close = text.lastIndex(of: ")") else { return nil }
    let fields = text[text.index(after: close)...].split(separator: " ")
    return fields.count > 19 ? UInt64(fields[19]) : nil
}
