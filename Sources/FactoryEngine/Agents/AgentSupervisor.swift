import CLibc
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Starts agents under their keepers and tells the engine when they end.
///
/// Each agent runs under `factory keeper` (see `Keeper`), never as the engine's own child:
/// the keeper holds its pipes, writes its log and records its exit, so the engine (and the
/// dashboard it lives in) can quit, crash or be killed without costing the agent a byte.
/// The engine watches each keeper over its socket; a keeper that vanishes without a
/// recorded exit is reported as lost.
public final class AgentSupervisor: @unchecked Sendable {
    public struct Exit: Sendable {
        public var role: String
        public var pid: Int32
        public var runID: String?
        public var status: Int32?
        public var signal: Int32?
        /// Why the run ended without a status (its keeper vanished, it never started).
        public var problem: String?

        public init(role: String, pid: Int32, runID: String?, status: Int32?, signal: Int32?, problem: String?) {
            self.role = role
            self.pid = pid
            self.runID = runID
            self.status = status
            self.signal = signal
            self.problem = problem
        }

        /// The end recorded for run `runID`; nil for another run's record.
        init?(role: String, agentPid: Int32, runID: String, record: AgentExitRecord) {
            guard record.runID == runID else { return nil }
            self.init(role: role, pid: agentPid, runID: runID, status: record.code, signal: record.signal, problem: record.error)
        }
    }

    public struct Started: Sendable {
        public var agentPid: Int32
        public var runID: String
    }

    private let engineQueue: DispatchQueue
    private let watchQueue = DispatchQueue(label: "factory.keepers")
    private let paths: WorkspacePaths
    private let factoryPath: String
    /// This factory's tmux server, for roles that run in terminal sessions.
    public var terminals: TerminalSessions { TerminalSessions(root: paths.root) }
    private let onExit: @Sendable (Exit) -> Void
    private let lock = NSLockLike()
    private var watches: [String: KeeperWatch] = [:]

    /// The agent's stdout, for the roles whose protocol factory reads (on the engine queue).
    private let onOutput: @Sendable (String, String, Data) -> Void

    public init(engineQueue: DispatchQueue, paths: WorkspacePaths, factoryPath: String,
                onOutput: @escaping @Sendable (_ role: String, _ runID: String, Data) -> Void = { _, _, _ in },
                onExit: @escaping @Sendable (Exit) -> Void) {
        self.engineQueue = engineQueue
        self.paths = paths
        self.factoryPath = factoryPath
        self.onOutput = onOutput
        self.onExit = onExit
    }

    /// When the role's agent last wrote output: its log's modification time, which the
    /// keeper keeps current whoever is watching.
    public func lastOutputTime(_ role: String) -> Double? {
        var st = stat()
        guard stat("\(paths.logs)/\(role).log", &st) == 0 else { return nil }
        return Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
    }

    /// Starts `argv` for `role` under a keeper; returns once the agent runs, or throws the
    /// reason it could not start ("cannot start claude: No such file or directory").
    public func spawn(role: String, argv: [String], directory: String, environment: [String: String],
                      watch: Bool = true, keepsInputOpen: Bool = false, separatesErrors: Bool = false,
                      initialInput: String? = nil, readsOutput: Bool = false,
                      attempt: Int? = nil, phase: String? = nil, terminal: TerminalSessions.Session? = nil,
                      sandbox: SandboxSpec? = nil) throws(SpawnError) -> Started {
        guard !argv.isEmpty else { throw SpawnError("the launch command for \(role) is empty") }
        let run = paths.run(role)
        let runID = UUID().uuidString
        var spec = KeeperSpec(runID: runID, role: role, argv: argv, directory: directory,
                              environment: terminal == nil ? environment : Self.sessionEnvironment(environment),
                              log: "\(paths.logs)/\(role).log", keepsInputOpen: keepsInputOpen, separatesErrors: separatesErrors,
                              initialInput: initialInput, attempt: attempt, phase: phase)
        spec.terminalSession = terminal?.name
        spec.followed = readsOutput
        spec.sandbox = sandbox
        do {
            try FileManager.default.createDirectory(atPath: run.path, withIntermediateDirectories: true)
            try run.write(spec, run.spec)
        } catch {
            throw SpawnError("cannot prepare \(paths.relative(run.path)): \(error)")
        }
        let agentPid = try KeeperLauncher(factoryPath: factoryPath, run: run, terminal: terminal).launch()
        if watch && !self.watch(role: role, runID: runID, agentPid: agentPid, readsOutput: readsOutput, fromStart: true) {
            let exit = Self.exitAfterLostContact(role: role, runID: runID, agentPid: agentPid, run: run)
            let report = onExit
            engineQueue.async { report(exit) }
        }
        return Started(agentPid: agentPid, runID: runID)
    }

    /// A keeper in a tmux session starts with the tmux server's environment, which may be
    /// another process's from long ago: the agent gets this process's, as agents without a
    /// session do — but the terminal's own variables (TERM, TMUX…) stay the session's.
    static func sessionEnvironment(_ additions: [String: String]) -> [String: String] {
        var env = ProcessRunner.currentEnvironment()
        for name in ["TERM", "TMUX", "TMUX_PANE", "COLUMNS", "LINES", "TERMCAP"] { env[name] = nil }
        for (k, v) in additions { env[k] = v }
        return env
    }

    /// Follows a running keeper until its agent ends. An agent that ended so quickly that
    /// its keeper is already gone is reported from its exit record. False when neither a
    /// keeper nor a record answers. `fromStart`: its output from its first byte (an agent
    /// just started may have spoken before this connects), else from now on.
    @discardableResult
    public func watch(role: String, runID: String, agentPid: Int32, readsOutput: Bool = false, fromStart: Bool = false) -> Bool {
        let run = paths.run(role)
        let report = onExit, queue = engineQueue, pass = onOutput
        let heard = HeardBytes()
        // At most two pieces wait for the engine: an agent that talks faster than the engine
        // reads is held back through its keeper, instead of burying the engine's queue (and
        // every snapshot asked of it) under its output.
        let inFlight = DispatchSemaphore(value: 2)
        let output: ((Data) -> Void)? = readsOutput ? { data in
            heard.add(data.count)
            inFlight.wait()
            queue.async { pass(role, runID, data); inFlight.signal() }
        } : nil
        // An agent just started whose output is read is asked for all of it, even when it
        // has already ended: its keeper may still be there to tell.
        let fromItsKeeper = readsOutput && fromStart
        if !fromItsKeeper, let exit = Self.recordedExit(role: role, runID: runID, agentPid: agentPid, run: run) {
            queue.async { report(exit) }
            return true
        }
        // Ended before its keeper could tell anyone what it said: its log has every byte.
        let replayLog = { [logs = paths.logs] in
            guard fromItsKeeper, heard.count == 0, let (_, said) = ProtocolReplay.attempt(log: "\(logs)/\(role).log") else { return }
            let data = Data(said)
            queue.async { pass(role, runID, data) }
        }
        let watch = KeeperWatch(socket: run.socket, queue: watchQueue, output: output, fromStart: fromStart) { [weak self] message in
            let exit = message?.exit.flatMap { Exit(role: role, agentPid: agentPid, runID: runID, record: $0) }
                ?? Self.exitAfterLostContact(role: role, runID: runID, agentPid: agentPid, run: run)
            self?.lock.withLock { _ = self?.watches.removeValue(forKey: role) }
            if message == nil && exit.problem == nil { replayLog() }
            queue.async { report(exit) }
        }
        guard let watch else {
            // The keeper may have finished between the look at its record and the connect.
            guard let exit = Self.recordedExit(role: role, runID: runID, agentPid: agentPid, run: run) else { return false }
            replayLog()
            queue.async { report(exit) }
            return true
        }
        lock.withLock { watches[role] = watch }
        return true
    }

    /// The connection to a keeper closed without an exit message: the record on disk tells,
    /// or the keeper died with its agent's status unknown.
    static func exitAfterLostContact(role: String, runID: String, agentPid: Int32, run: RunDirectory) -> Exit {
        recordedExit(role: role, runID: runID, agentPid: agentPid, run: run) ?? Exit(role: role, pid: agentPid, runID: runID, status: nil, signal: nil,
                    problem: "\(role)'s keeper ended without recording how the agent ended")
    }

    /// The run's end as its keeper recorded it on disk, if it has.
    static func recordedExit(role: String, runID: String, agentPid: Int32, run: RunDirectory) -> Exit? {
        run.exitRecord.flatMap { Exit(role: role, agentPid: agentPid, runID: runID, record: $0) }
    }

    /// SIGTERM to the agent's process group, SIGKILL after `grace` seconds — asked of its
    /// keeper, which sees it through even if this process goes away; signalled directly
    /// when no keeper answers.
    public func terminate(role: String, pid: Int32, grace: Double = 2) {
        let request = KeeperRequest(op: .terminate, grace: grace)
        if (try? KeeperClient.ask(paths.run(role).socket, request))?.ok == true { return }
        Glibc.kill(-pid, SIGTERM)
        Glibc.kill(pid, SIGTERM)
        engineQueue.asyncAfter(deadline: .now() + grace) {
            if Glibc.kill(pid, 0) == 0 {
                Glibc.kill(-pid, SIGKILL)
                Glibc.kill(pid, SIGKILL)
            }
        }
    }

    /// Writes `text` to the agent's stdin through its keeper; the keeper's refusal otherwise.
    public func send(role: String, _ text: String) throws(SocketError) {
        let reply = try KeeperClient.ask(paths.run(role).socket, KeeperRequest(op: .input, text: text))
        guard reply.ok == true else { throw SocketError(reply.error ?? "the keeper refused the input") }
    }

    /// Ends the agent's stdin: a protocol agent whose turn is over then exits.
    public func closeInput(role: String) {
        _ = try? KeeperClient.ask(paths.run(role).socket, KeeperRequest(op: .closeInput))
    }

    /// Stops following every keeper (the engine is shutting down; the agents go on).
    public func stopWatching() {
        let all = lock.withLock { () -> [KeeperWatch] in
            defer { watches = [:] }
            return Array(watches.values)
        }
        for watch in all { watch.cancel() }
    }
}

public struct SpawnError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// How many bytes of an agent's output a watch has passed on (from the watch queue).
final class HeardBytes: @unchecked Sendable {
    private let lock = NSLockLike()
    private var total = 0
    func add(_ n: Int) { lock.withLock { total += n } }
    var count: Int { lock.withLock { total } }
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
