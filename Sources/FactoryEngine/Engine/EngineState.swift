import Foundation
import PlanDocument

/// One agent's current or last run.
public struct AgentRun: Sendable, Codable, Equatable {
    public var role: String
    public var state: AgentState = .notStarted
    public var pid: Int32?
    /// Seconds since the epoch.
    public var startedAt: Double?
    public var endedAt: Double?
    /// The process's start time in clock ticks since boot (/proc/PID/stat field 22): with the
    /// pid, it tells a re-adopted agent from an unrelated process that reused the pid.
    public var startTicks: UInt64?
    public var exitCode: Int32?
    /// Runs in the current phase, for the retry budget.
    public var attempts = 0
    public var phase: Phase?
    /// The keeper's name for this run: tells its records from an earlier run's.
    public var runID: String?
    /// Why the run ended badly when its status cannot say it: the program could not be
    /// started, its keeper vanished.
    public var problem: String?
    /// For protocol agents: what it is doing now (one line), what it has used, and the
    /// request it waits on — kept in state.json so a restarted factory still shows them.
    public var step: String?
    public var usage: AgentUsage?
    public var request: PermissionRequest?
    /// The tmux session it runs in (`session: tmux`); nil for an agent on pipes.
    public var session: String?
    /// It has waited in its session a while with no prompt factory can answer (nil: not).
    public var waitsInTerminal: Bool?
    /// The run was confined (bubblewrap); false: it ran as the user. Nil: not started since
    /// factory recorded it.
    public var sandboxed: Bool?

    public init(role: String) { self.role = role }
}

/// What the engine must remember across a restart; written to `.agent-comms/state.json`.
public struct EngineState: Sendable, Codable, Equatable {
    public var phase: Phase = .idle
    public var feature = ""
    /// Failed validation rounds.
    public var validationFailures = 0
    public var runs: [String: AgentRun] = [:]
    public var blockedReason: String?
    /// The phase that was running when the pipeline blocked: where `resume()` goes back to.
    public var blockedPhase: Phase?
    /// IDs of the tasks PLAN.md had when this feature started, so HISTORY.md lists only
    /// this feature's tasks (nil: a state.json from before this was recorded).
    public var tasksBeforeFeature: [String]?
    /// Files in conflict when a merge was refused.
    public var conflicts: [String] = []
    public var mergedCommit: String?
    /// What the feature's agents have spent, by phase (USD), from each finished turn.
    /// Optional so a state.json written before it existed still reads.
    public var spentByPhase: [String: Double]?
    /// The feature's budget (USD): past it, no agent starts without a human. Nil: none.
    public var budgetUSD: Double?
    /// The feature's spend when the pipeline last stopped for the budget, so it says so once.
    public var budgetReachedAt: Double?
    /// What each role's agents have spent on the feature (USD), for a role's `budget_usd`.
    public var spentByRole: [String: Double]?
    /// The human's approval of this feature's plan, sealed with what was approved.
    public var approval: PlanApproval?
    /// The approved plan has changed since (the lines that did), until the human approves again.
    public var planChangedSinceApproval: [String]?
    /// The current (or last) validation round's verdicts, as their roles gave them.
    public var verdicts: VerdictLedger?
    /// What an agent tried that only the human or another role may do, in this phase.
    public var alerts: [TrustAlert]?
    /// Tasks the engine added to this feature itself (a phase's own, a round's findings).
    public var engineTasks: [String]?

    /// What the feature has spent so far, over every phase.
    public var featureCostUSD: Double { (spentByPhase ?? [:]).values.reduce(0, +) }
    /// The budget is spent: the pipeline starts no agent until a human raises it.
    public var overBudget: Bool { budgetUSD.map { featureCostUSD >= $0 } ?? false }

    public init() {}

    public func run(_ role: String) -> AgentRun { runs[role] ?? AgentRun(role: role) }

    /// The human has approved this feature's plan.
    public var approved: Bool { approval?.feature == feature && !feature.isEmpty }
    public var ledger: VerdictLedger { verdicts ?? VerdictLedger() }

    /// Runs recorded as active whose keeper has since recorded their end: what a reader
    /// (`factory status`) shows while no engine drives. A driving engine learns the same
    /// through `adoptSurvivors`, with events and the pipeline moving on.
    mutating func settleEndedRuns(_ paths: WorkspacePaths) {
        for (role, run) in runs where run.state.isActive {
            guard let runID = run.runID, let record = paths.run(role).exitRecord, record.runID == runID else { continue }
            runs[role]?.ended(with: record)
        }
    }
}

extension AgentRun {
    /// The run's end as its keeper recorded it.
    mutating func ended(code: Int32?, signal: Int32?, problem: String?, at time: Double) {
        endedAt = time
        exitCode = code
        self.problem = problem
        // An agent that has ended waits for no answer.
        request = nil
        guard state.isActive else { return }
        if let code { state = code == 0 ? .exited : .failed; return }
        // Still active: nobody here asked it to stop (a stop or a timeout is recorded before
        // the signal lands). A signal then is a crash — the OOM killer, a segfault — not a
        // human's stop, and is retried like one.
        state = .failed
        if let signal, problem == nil { self.problem = "\(role) was killed by signal \(signal) (\(signalName(signal)))" }
    }

    mutating func ended(with record: AgentExitRecord) {
        ended(code: record.code, signal: record.signal, problem: record.error, at: record.endedAt)
    }
}

/// A signal's usual name ("SIGKILL"), or its number for the rarer ones.
func signalName(_ signal: Int32) -> String {
    let names: [Int32: String] = [SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP",
                                  SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV",
                                  SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM", SIGXCPU: "SIGXCPU", SIGXFSZ: "SIGXFSZ"]
    return names[signal] ?? "signal \(signal)"
}

extension EngineState {
    /// A record written before approvals were sealed and verdicts kept by the engine, for a
    /// feature already past its gates: what PLAN.md shows then is taken as the record once,
    /// so a factory in the middle of a feature goes on.
    mutating func adoptUnsealed(_ plan: PlanDocument) {
        let gate: Phase = phase == .blocked ? (blockedPhase ?? .idle) : phase
        if approval == nil, [.implementation, .validation, .documentation, .merge, .done].contains(gate), Gates.approvalTicked(plan.view) {
            approval = PlanApproval(feature: feature, lines: PlanSeal.lines(of: plan, feature: feature, tasksBefore: tasksBeforeFeature),
                                    at: wallNow(), by: "human (recorded before seals)")
        }
        if verdicts == nil, [.validation, .documentation, .merge, .done].contains(gate) {
            var ledger = VerdictLedger()
            for v in plan.view.verdicts where v.verdict != "undecided" && v.verdict != "unknown" {
                ledger[v.kind] = SealedVerdict(verdict: v.verdict, subject: v.subject, by: VerdictLedger.role(for: v.kind), at: wallNow())
            }
            verdicts = ledger
        }
    }

    /// After an unreadable state.json was set aside: the feature PLAN.md says is under way,
    /// blocked where it stood, so the problem shows everywhere and `factory resume` takes it
    /// on from there. Nil when PLAN.md names no feature in a phase that can be resumed.
    static func recovered(from view: PlanView, because problem: String) -> EngineState? {
        let field = { (name: String) in view.fields.first { $0.name == name }?.value.trimmingCharacters(in: .whitespaces) ?? "" }
        let feature = field("Feature"), status = field("Status")
        guard !feature.isEmpty, let phase = Engine.resumable.first(where: { PipelineMachine.statusText($0) == status }) else { return nil }
        var state = EngineState()
        state.feature = feature
        state.phase = .blocked
        state.blockedPhase = phase
        state.blockedReason = "\(problem); PLAN.md says \"\(feature)\" was in \(phase.rawValue): factory resume goes on from there"
        return state
    }
}

/// Reads and writes state.json atomically (temp file, fsync, rename).
public struct StateStore: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public func load() -> EngineState? {
        guard case .state(let state) = read() else { return nil }
        return state
    }

    public enum Read {
        case missing
        case state(EngineState)
        /// There, but not a record this engine can read: why.
        case unreadable(String)
    }

    public func read() -> Read {
        guard let data = FileManager.default.contents(atPath: path) else {
            return FileManager.default.fileExists(atPath: path) ? .unreadable("cannot be read") : .missing
        }
        do { return .state(try JSONDecoder().decode(EngineState.self, from: data)) } catch {
            return .unreadable(data.isEmpty ? "is empty" : "is not a record factory can read")
        }
    }

    /// A record that cannot be read is moved aside, never overwritten: the runs and phase it
    /// held may be what a human needs to put things right. Returns the problem to report.
    public func setAsideUnreadable(_ why: String, now: Int) -> String {
        let aside = path + ".unreadable-\(now)"
        let name = (path as NSString).lastPathComponent
        guard rename(path, aside) == 0 else {
            return "\(name) \(why) and cannot be moved aside (\(String(cString: strerror(errno)))); the engine starts from a fresh record"
        }
        return "\(name) \(why); kept as \((aside as NSString).lastPathComponent), and the engine started from a fresh record (phase idle)"
    }

    public func save(_ state: EngineState) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(state)
        let temp = path + ".\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: temp, contents: data) else { throw GitError("cannot write \(temp)") }
        let fd = open(temp, O_RDONLY)
        if fd >= 0 { fsync(fd); close(fd) }
        guard rename(temp, path) == 0 else { throw GitError("cannot replace \(path): \(String(cString: strerror(errno)))") }
    }
}
