import Dispatch
import Foundation
import InertText
import PlanDocument

/// Options of an engine instance.
public struct EngineOptions: Sendable {
    /// Spawn agents and move phases. Off for read-only readers such as `factory status`.
    public var driving = true
    /// Approve plans without a human (the headless demo).
    public var autoApprove = false
    public var maxConcurrentAgents = 4
    /// The factory binary, for the `{factory}` placeholder.
    public var factoryPath = CommandLine.arguments.first ?? "factory"
    /// Extra environment for agents (the simulated agent's scenario, say).
    public var agentEnvironment: [String: String] = [:]
    /// Validation rounds that may fail before the pipeline blocks.
    public var validationRetries = 2
    /// Sessions on this factory's tmux server read as if agents ran in them (the scale
    /// benchmark's extra sessions).
    public var extraSessions: Set<String> = []

    public init() {}
}

/// The orchestration engine, as a coordinator: it keeps the pipeline's record and PLAN.md,
/// publishes snapshots and events, and wires the parts together — `PipelineMachine`
/// decides, `AgentPool` runs the agents, `WorktreeTracker` follows the worktrees,
/// `CommandServer` takes other processes' commands. One serial queue owns all of it; I/O
/// runs elsewhere and posts back; every change publishes an immutable `Snapshot`.
public final class Engine: @unchecked Sendable {
    public let paths: WorkspacePaths
    /// Changes on `queue` only: a watching engine becomes a driving one when it takes over.
    public internal(set) var options: EngineOptions
    let queue = DispatchQueue(label: "factory.engine")

    // Below: confined to `queue`, as the pool and the tracker are. Internal methods assert
    // it (dispatchPrecondition); public ones hop onto it (onQueue, queue.sync).
    /// The pipeline's record. Its `runs` stay empty here: the pool owns them, and `save()`
    /// puts them back for state.json.
    var state: EngineState
    var roles: [String: RoleDefinition] = [:]
    /// Role files that could not be read, and why (one line naming the file).
    var roleProblems: [String: String] = [:]
    var plan: PlanDocument
    let mainBranch: String
    /// The agents' clones, and whether this machine can confine agents.
    let clones: AgentClones
    let worktrees: WorktreeTracker
    let pool: AgentPool
    var snapshotSubscribers: [@Sendable (Snapshot) -> Void] = []
    var eventSubscribers: [@Sendable (EngineEvent) -> Void] = []
    var finished: (@Sendable (Phase) -> Void)?
    var watcher: FileWatcher?
    var commandServer: CommandServer?
    var stopped = false
    /// A decision is due later (a retry's pause): one timer, not one per step.
    var stepScheduled = false
    /// Streamed activity waits for one publish at the next beat.
    var streamPublishScheduled = false
    /// The terminal sessions' beat: its own queue, and the monitor confined to it.
    let sessionQueue = DispatchQueue(label: "factory.sessions")
    var sessionBeatScheduled = false
    lazy var sessionMonitor = SessionMonitor(sessions: terminals)
    /// On `queue`: what each session agent's screen says — its reader (holds, staleness),
    /// its last screen, and the prompt's answer keys while it asks.
    var sessionScreens: [String: SessionScreen] = [:]
    /// Screen rule files that do not load, by role: said in the attention queue.
    var screenRuleProblems: [String: String] = [:]
    var stepping = false
    /// Why PLAN.md could not be read (missing, not a file, unreadable); the parsed copy is
    /// then the last good one, shown but never written back.
    var planReadProblem: String?
    /// Why the engine's last write to PLAN.md failed; cleared by the next one that succeeds.
    var planWriteProblem: String?
    /// PLAN.md as this engine last wrote it: the watcher's echo of that write is skipped.
    var lastWrittenPlan: FileStamp?
    /// Heap freed by re-reads of PLAN.md, given back to the system (see HeapTrim).
    lazy var heapTrim = HeapTrim(queue: queue)
    /// state.json was there but unreadable at start: what became of it.
    var stateProblem: String?
    /// Roles whose checkout stays a git worktree (it has changes), and why, in one line.
    var legacyCheckouts: [String: String] = [:]
    /// The agents' copies of PLAN.md, by role: the versions given to each.
    var planCopies: [String: PlanCopy] = [:]
    /// Who the command being performed comes from (the `by` of its events); the engine
    /// itself otherwise.
    var actor: Caller = .engine

    public init(paths: WorkspacePaths, options: EngineOptions = EngineOptions()) throws {
        self.paths = paths
        self.options = options
        mainBranch = (try? Git(paths.root).output(["symbolic-ref", "--short", "HEAD"])) ?? "main"
        // The branch goes into git's arguments (`main...agent/builder`): one that starts
        // with `-` (`--output=…`, made with update-ref) would be read as an option.
        guard !mainBranch.hasPrefix("-") else {
            throw EngineError("the branch \"\(mainBranch)\" starts with -, which git would read as an option; rename it (git branch -m NEW)")
        }
        clones = AgentClones(paths: paths)
        worktrees = WorktreeTracker(queue: queue, clones: clones, mainBranch: mainBranch)
        var record = EngineState()
        switch StateStore(path: paths.state).read() {
        case .state(let saved): record = saved
        case .missing: break
        case .unreadable(let why):
            // Only the driver moves it; a watcher reports it as it is.
            stateProblem = options.driving ? StateStore(path: paths.state).setAsideUnreadable(why, now: Int(time(nil)))
                                           : "\((paths.state as NSString).lastPathComponent) \(why)"
        }
        if !options.driving { record.settleEndedRuns(paths) }
        pool = AgentPool(queue: queue, paths: paths, factoryPath: options.factoryPath, limit: options.maxConcurrentAgents, runs: record.runs)
        record.runs = [:]
        state = record
        // A broken PLAN.md is something to report (`factory status` shows it), not a reason
        // to refuse to start.
        do { plan = try PlanFile(path: paths.plan).read() } catch {
            plan = PlanDocument(bytes: [])
            planReadProblem = error.description.replacingOccurrences(of: paths.root + "/", with: "")
        }
        state.adoptUnsealed(plan)
        if options.driving, let problem = stateProblem, let recovered = EngineState.recovered(from: plan.view, because: problem) {
            state = recovered
            // Written now, so `factory status` and watching dashboards see it too.
            try? StateStore(path: paths.state).save(recovered)
        }
        queue.setSpecific(key: Self.queueKey, value: ObjectIdentifier(self))
        try FileManager.default.createDirectory(atPath: paths.logs, withIntermediateDirectories: true)
        (roles, roleProblems) = Self.loadRoles(paths)
        worktrees.refreshed = { [weak self] in self?.step() }
        pool.owner = self
    }

    /// Every role file read; one that cannot be read is a problem to show (the attention
    /// queue, `status`), not a factory that cannot open: the other agents go on.
    static func loadRoles(_ paths: WorkspacePaths) -> ([String: RoleDefinition], [String: String]) {
        var roles: [String: RoleDefinition] = [:], problems: [String: String] = [:]
        for role in Role.all {
            do throws(EngineError) { roles[role] = try loadRole(role, paths) } catch { problems[role] = error.description }
        }
        return (roles, problems)
    }

    /// `agents/<role>.md` as it is now: read again at every start, so an edited launch line
    /// applies to the next run without restarting factory.
    static func loadRole(_ role: String, _ paths: WorkspacePaths) throws(EngineError) -> RoleDefinition {
        let file = "\(paths.agents)/\(role).md"
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        do { return try RoleDefinition.parse(role: role, text: text) } catch { throw EngineError(error.description) }
    }

    /// Stops watching and deciding; agents keep running (a later engine re-adopts them).
    public func shutdown() {
        queue.sync {
            stopped = true
            commandServer?.stop()
            commandServer = nil
            watcher?.stop()
            watcher = nil
            worktrees.stop()
            pool.shutdown()
            snapshotSubscribers = []
            eventSubscribers = []
            finished = nil
        }
    }

    /// Re-reads the worktrees now (tests; the driving engine does it on file events).
    public func refreshForTests() { queue.sync { worktrees.refreshNow() } }

    // MARK: readers

    public func subscribe(_ handler: @escaping @Sendable (Snapshot) -> Void) {
        queue.async { self.snapshotSubscribers.append(handler); handler(self.makeSnapshot()) }
    }

    public func subscribeEvents(_ handler: @escaping @Sendable (EngineEvent) -> Void) {
        queue.async { self.eventSubscribers.append(handler) }
    }

    /// Called once when driving reaches `done` or `blocked`.
    public func onFinish(_ handler: @escaping @Sendable (Phase) -> Void) {
        queue.async { self.finished = handler }
    }

    /// The current snapshot. `refreshing: false` skips reading the worktrees the first time
    /// (a dashboard draws its first frame at once and fills them in a moment later).
    public func snapshot(refreshing: Bool = true) -> Snapshot {
        queue.sync {
            if refreshing && !worktrees.isLoaded { worktrees.refreshNow() }
            return makeSnapshot()
        }
    }

    func publish() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !snapshotSubscribers.isEmpty else { return }
        let snap = makeSnapshot()
        for s in snapshotSubscribers { s(snap) }
    }

    /// `by`: who did it; the caller of the command being performed unless said. `request`:
    /// the request a `permission_request` or `permission_answer` event is about.
    func event(_ kind: EngineEvent.Kind, role: String? = nil, _ message: String, by: Caller? = nil, request: EngineEvent.Request? = nil) {
        dispatchPrecondition(condition: .onQueue(queue))
        let who = by ?? actor
        let e = EngineEvent(time: wallNow(), kind: kind, phase: state.phase.rawValue, role: role, message: message,
                            request: request, by: who.name, run: who.runID)
        EventLog.append(e, to: paths.events)
        for s in eventSubscribers { s(e) }
    }

    /// An event from beside the engine's own work (the notify command failing), logged and
    /// sent to readers like the engine's own.
    public func note(_ kind: EngineEvent.Kind, role: String? = nil, _ message: String) {
        queue.async { if !self.stopped { self.event(kind, role: role, message) } }
    }

    /// state.json: the pipeline's record with the pool's runs.
    func save() {
        dispatchPrecondition(condition: .onQueue(queue))
        var record = state
        record.runs = pool.runs
        do { try StateStore(path: paths.state).save(record) } catch { event(.error, "cannot save state: \(error)") }
    }

    /// Takes the state.json the driving engine wrote: the pipeline's record here, the runs
    /// to the pool.
    func follow(_ record: EngineState) {
        dispatchPrecondition(condition: .onQueue(queue))
        state = record
        state.runs = [:]
        pool.follow(record.runs)
    }

    /// Runs `body` on the engine queue (directly when already there).
    func onQueue<T>(_ body: () throws(EngineError) -> T) throws(EngineError) -> T {
        if DispatchQueue.getSpecific(key: Self.queueKey) == ObjectIdentifier(self) { return try body() }
        let result: Result<T, EngineError> = queue.sync { () -> Result<T, EngineError> in
            do throws(EngineError) { return .success(try body()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    static let queueKey = DispatchSpecificKey<ObjectIdentifier>()
}

public struct EngineError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// `.agent-comms/events.jsonl`: every event as one JSON line, for `factory events`.
public enum EventLog {
    public static func append(_ event: EngineEvent, to path: String) {
        // Controls in messages (an agent's text, a branch name) are escaped in the file itself.
        guard var data = try? Inert.json(event) else { return }
        data.append(0x0A)
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        _ = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}
