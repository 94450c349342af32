import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the pool tells its owner (the engine), and the few facts it asks of it.
protocol AgentPoolOwner: AnyObject {
    /// The role as defined now: its timeout and stall time.
    func definition(of role: String) -> RoleDefinition?
    /// When files last changed in the role's worktree (seconds since the epoch).
    func lastFileActivity(of role: String) -> Double?
    /// A run changed: state.json must say so.
    func runsChanged()
    /// `request`: the request a permission's event is about (whole on the request's own).
    func agentEvent(_ kind: EngineEvent.Kind, role: String, _ message: String, request: EngineEvent.Request?)
    /// The role's agent ended; `restart` when it was asked to come back.
    func agentEnded(_ role: String, restart: Bool)
    /// The role's agent ran out of time and was stopped.
    func agentTimedOut(_ role: String)
    /// An agent stalled, or became active again.
    func stallsChanged()
    /// A protocol agent said something (activity, usage, a request): readers should see it.
    /// `urgent`: a request or a turn's end, shown at once; the rest may wait for the next beat.
    func streamChanged(urgent: Bool)
    /// A protocol agent's turn ended having cost this much.
    func agentSpent(_ role: String, _ costUSD: Double)
}

extension AgentPoolOwner {
    func agentEvent(_ kind: EngineEvent.Kind, role: String, _ message: String) { agentEvent(kind, role: role, message, request: nil) }
}

/// What an agent is started with: built by the engine from its role, PLAN.md and the feature.
struct AgentLaunch {
    var argv: [String]
    var directory: String
    var environment: [String: String]
    /// Seconds before it is stopped as timed out (0: never).
    var timeout: Double
    /// How factory reads it; a `claude` agent gets its prompt on stdin as the first message,
    /// the others on their command line.
    var agentProtocol: AgentProtocol = .text
    var prompt: String = ""
    /// Run in a tmux session of its own (`session: tmux`): its terminal is the session's.
    var inTerminal = false
    /// Run confined (`SandboxPolicy`); nil: unconfined.
    var sandbox: SandboxSpec?
}

/// The agents' runs and everything that keeps them: starting, stopping and re-adopting
/// agents through their keepers (`AgentSupervisor`), the timeouts and the stall check,
/// restarts waiting for an exit, and how many may run at once.
///
/// Its runs are the one record of them: the engine reads them here and saves them in
/// state.json. Confined to the engine's queue (each entry point asserts it); exits,
/// timeouts and stalls arrive there and are reported to the owner.
final class AgentPool: @unchecked Sendable {
    let queue: DispatchQueue
    let paths: WorkspacePaths
    /// How many agents may run at once.
    let limit: Int
    weak var owner: AgentPoolOwner?
    private let factoryPath: String
    var records: [String: AgentRun]
    var timeouts: [String: DispatchSourceTimer] = [:]
    /// When each armed timeout fires (seconds since the epoch), and what was left of the ones
    /// paused while their agent waits for a human.
    var timeoutDeadlines: [String: Double] = [:]
    var pausedTimeouts: [String: Double] = [:]
    var stallTimer: DispatchSourceTimer?
    /// Agents started here, as opposed to ones re-adopted from a previous engine.
    var spawnedHere: Set<Int32> = []
    /// Roles to start again once their agent has exited.
    private(set) var pendingRestarts: Set<String> = []
    var stopped = false
    /// The decoders of the agents whose protocol factory reads, by role.
    var streams: [String: any AgentStreamDecoder] = [:]
    /// Each protocol agent's recent activity, newest last, its attempts marked (not kept
    /// across restarts of factory).
    var activity: [String: FeedBuffer] = [:]
    lazy var supervisor = AgentSupervisor(engineQueue: queue, paths: paths, factoryPath: factoryPath,
                                          onOutput: { [weak self] role, runID, data in self?.heard(role, runID, data) },
                                          onExit: { [weak self] exit in self?.exited(exit) })

    init(queue: DispatchQueue, paths: WorkspacePaths, factoryPath: String, limit: Int, runs: [String: AgentRun]) {
        self.queue = queue
        self.paths = paths
        self.factoryPath = factoryPath
        self.limit = limit
        records = runs
    }

    /// Every role's current or last run, as state.json records it.
    var runs: [String: AgentRun] {
        dispatchPrecondition(condition: .onQueue(queue))
        return records
    }

    func run(_ role: String) -> AgentRun { runs[role] ?? AgentRun(role: role) }

    var active: Int { runs.values.filter { $0.state.isActive }.count }

    var activePids: [Int32] { runs.values.filter { $0.state.isActive }.compactMap(\.pid) }

    /// True when one more agent may start; else the role waits, and an event says so.
    func hasRoom(for role: String) -> Bool {
        guard active < limit else {
            owner?.agentEvent(.waiting, role: role, "\(role) waits: \(limit) agents already running")
            return false
        }
        return true
    }

    /// Starts the role's agent under its keeper; false (with an event saying why) when it
    /// cannot. `watch`: follow it to its exit (a driving engine does).
    func start(_ role: String, _ launch: AgentLaunch, in phase: Phase, watch: Bool) -> Bool {
        dispatchPrecondition(condition: .onQueue(queue))
        var run = nextAttempt(role, in: phase)
        run.endedAt = nil
        run.exitCode = nil
        run.problem = nil
        do {
            // In a terminal the agent talks to the session's screen, not to a protocol on pipes.
            let decoded = launch.agentProtocol.isDecoded && !launch.inTerminal
            let answered = launch.agentProtocol.answersOnInput && !launch.inTerminal
            let started = try supervisor.spawn(role: role, argv: launch.argv, directory: launch.directory,
                                               environment: launch.environment, watch: watch,
                                               keepsInputOpen: answered, separatesErrors: decoded,
                                               initialInput: answered ? ClaudeControl.userMessage(launch.prompt) : nil,
                                               readsOutput: decoded, attempt: run.attempts, phase: phase.rawValue,
                                               terminal: launch.inTerminal ? supervisor.terminals.session(role) : nil,
                                               sandbox: launch.sandbox)
            streams[role] = decoded ? launch.agentProtocol.decoder(cwd: launch.directory) : nil
            spawnedHere.insert(started.agentPid)
            run.state = decoded ? .working : .running
            run.step = nil
            run.usage = nil
            run.request = nil
            run.session = launch.inTerminal ? role : nil
            run.sandboxed = launch.sandbox != nil
            run.pid = started.agentPid
            run.runID = started.runID
            run.startedAt = wallNow()
            run.startTicks = processStartTicks(started.agentPid)
            records[role] = run
            if decoded {
                let mark = AttemptMark(attempt: run.attempts, phase: phase.rawValue, startedAt: run.startedAt ?? 0)
                activity[role, default: FeedBuffer(limit: Self.activityLimit)].append(.attempt(mark))
            }
            armTimeout(role, pid: started.agentPid, seconds: launch.timeout)
            armStallCheck()
            owner?.runsChanged()
            owner?.agentEvent(.agentStarted, role: role, "\(role) started (pid \(started.agentPid), attempt \(run.attempts))")
            return true
        } catch {
            return startFailed(role, in: phase, error.description)
        }
    }

    /// The run could not start: it counts as an attempt, and the reason is kept for the
    /// attention queue and `status`.
    @discardableResult
    func startFailed(_ role: String, in phase: Phase, _ reason: String) -> Bool {
        dispatchPrecondition(condition: .onQueue(queue))
        var run = nextAttempt(role, in: phase)
        run.state = .failed
        run.pid = nil
        run.problem = reason
        run.endedAt = wallNow()
        records[role] = run
        owner?.runsChanged()
        owner?.agentEvent(.agentFailed, role: role, reason)
        return false
    }

    /// The role's attempts start from zero (a human spawned it by hand).
    func forgetAttempts(_ role: String) {
        dispatchPrecondition(condition: .onQueue(queue))
        records[role]?.attempts = 0
    }

    /// Runs count against the retry budget of the phase they ran in.
    private func nextAttempt(_ role: String, in phase: Phase) -> AgentRun {
        var run = run(role)
        if run.phase != phase { run.attempts = 0 }
        run.attempts += 1
        run.phase = phase
        return run
    }

    /// Ends the role's agent; its state becomes `killed` (or `timed_out`).
    func stop(_ role: String, as final: AgentState = .killed) {
        dispatchPrecondition(condition: .onQueue(queue))
        var run = run(role)
        guard run.state.isActive, let pid = run.pid else { return }
        run.state = final
        // Being stopped, it waits for no answer: its request is nobody's to answer now.
        run.request = nil
        records[role] = run
        supervisor.terminate(role: role, pid: pid)
        disarmTimeout(role)
        owner?.runsChanged()
        owner?.agentEvent(final == .timedOut ? .agentTimedOut : .agentKilled, role: role,
                          "\(role) \(final == .timedOut ? "timed out" : "killed") (pid \(pid))")
    }

    /// Ends the role's agent and starts it again once it has exited.
    func restart(_ role: String) {
        dispatchPrecondition(condition: .onQueue(queue))
        pendingRestarts.insert(role)
        stop(role)
    }

    /// The keeper says the agent ended (or is lost): the run records how, and the owner hears.
    func exited(_ exit: AgentSupervisor.Exit) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !stopped else { return }
        var run = run(exit.role)
        guard run.pid == exit.pid, exit.runID == nil || run.runID == nil || exit.runID == run.runID else { return }
        disarmTimeout(exit.role)
        // Its keeper vanished mid-run: the agent, if it still runs, would work on unseen.
        if exit.status == nil && exit.signal == nil { endUnread(run) }
        if finishStream(exit.role) { run = self.run(exit.role) }
        run.ended(code: exit.status, signal: exit.signal, problem: exit.problem, at: wallNow())
        records[exit.role] = run
        owner?.runsChanged()
        let how = exit.status.map { "status \($0)" } ?? exit.signal.map { "signal \($0)" } ?? exit.problem ?? "exit status unknown"
        owner?.agentEvent(exit.problem != nil && exit.status == nil ? .agentLost : .agentExited, role: exit.role,
                          "\(exit.role) \(run.state.rawValue) (\(how))")
        owner?.agentEnded(exit.role, restart: pendingRestarts.remove(exit.role) != nil)
    }

    /// SIGKILL to each agent's process group, then up to a second for them to go.
    static func endAtOnce(_ pids: [Int32]) {
        for pid in pids {
            Glibc.kill(-pid, SIGKILL)
            Glibc.kill(pid, SIGKILL)
        }
        let deadline = monotonicNow() + 1
        while pids.contains(where: { Glibc.kill($0, 0) == 0 && !isZombie($0) }) && monotonicNow() < deadline { usleep(10_000) }
    }

    private static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }
}
