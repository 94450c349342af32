import PlanDocument

/// Everything a reader needs, as one immutable value: the dashboard and `factory status`
/// render the same snapshot, so they cannot disagree.
public struct Snapshot: Sendable, Encodable, Equatable {
    public var phase: Phase
    public var feature: String
    public var agents: [AgentSnapshot]
    public var attention: [Attention]
    public var tasks: TaskCounts
    public var blockedReason: String?
    /// The phase that blocked (planning, validation, merge…), while blocked.
    public var blockedPhase: Phase?
    public var conflicts: [String]
    public var plan: PlanView
    /// Seconds since the epoch when the snapshot was made.
    public var time: Double
    /// The engine that made the snapshot drives the pipeline (else it watches another).
    public var driving = true
    /// The pid of the process that drives this factory; nil when none does.
    public var drivenBy: Int32?

    /// What the agents' current runs have cost, all together.
    public var costUSD: Double { agents.reduce(0) { $0 + $1.costUSD } }
    /// What the feature has cost so far, by phase, over every finished turn of every attempt.
    public var spentByPhase: [String: Double] = [:]
    public var featureCostUSD: Double { spentByPhase.values.reduce(0, +) }
    /// The feature's budget (USD), or nil when it has none.
    public var budgetUSD: Double?
    /// Why agents cannot be confined on this machine (bubblewrap missing or refused), said
    /// once by the dashboard; nil when they can.
    public var sandboxWarning: String?

    private enum CodingKeys: String, CodingKey {
        case phase, feature, agents, attention, tasks, blockedReason, blockedPhase, conflicts, drivenBy, costUSD, costByPhase, featureCostUSD, budgetUSD, sandbox
    }

    /// `"sandbox": {"available": …, "warning": …}` in the JSON.
    struct SandboxSummary: Encodable {
        var available: Bool
        var warning: String?
    }

    /// `drivenBy` is always present, `null` when no process drives.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(phase, forKey: .phase)
        try c.encode(feature, forKey: .feature)
        try c.encode(agents, forKey: .agents)
        try c.encode(attention, forKey: .attention)
        try c.encode(tasks, forKey: .tasks)
        try c.encodeIfPresent(blockedReason, forKey: .blockedReason)
        try c.encodeIfPresent(blockedPhase, forKey: .blockedPhase)
        try c.encode(conflicts, forKey: .conflicts)
        try c.encode(drivenBy, forKey: .drivenBy)
        try c.encode(costUSD, forKey: .costUSD)
        try c.encode(spentByPhase, forKey: .costByPhase)
        try c.encode(featureCostUSD, forKey: .featureCostUSD)
        try c.encode(budgetUSD, forKey: .budgetUSD)
        try c.encode(SandboxSummary(available: sandboxWarning == nil, warning: sandboxWarning), forKey: .sandbox)
    }

    public init(phase: Phase, feature: String, agents: [AgentSnapshot], attention: [Attention], tasks: TaskCounts,
                blockedReason: String?, blockedPhase: Phase? = nil, conflicts: [String], plan: PlanView, time: Double) {
        self.phase = phase
        self.feature = feature
        self.agents = agents
        self.attention = attention
        self.tasks = tasks
        self.blockedReason = blockedReason
        self.blockedPhase = blockedPhase
        self.conflicts = conflicts
        self.plan = plan
        self.time = time
    }
}

public struct TaskCounts: Sendable, Encodable, Equatable {
    public var done: Int
    public var total: Int
    public init(done: Int, total: Int) {
        self.done = done
        self.total = total
    }
}

public struct AgentSnapshot: Sendable, Encodable, Equatable {
    public var role: String
    public var state: AgentState
    public var pid: Int32?
    public var exitCode: Int32?
    public var startedAt: Double?
    public var attempts: Int
    public var tasks: TaskCounts
    public var worktree: WorktreeSummary?
    /// Processes in the worktree that factory did not start.
    public var external: [WorktreeStatus.ProcessInfo]
    /// Why the last run ended badly, when its status cannot say ("cannot start claude: No
    /// such file or directory").
    public var problem: String?
    /// For protocol agents: the current step in one line, what the run has cost, its
    /// tokens, and the request it waits on.
    public var activity: String?
    public var costUSD = 0.0
    public var tokens = Tokens()
    public var request: PermissionRequest?
    /// Its terminal session, `{"socket": …, "name": …}` (`tmux -L socket attach -t name`),
    /// for an agent that runs in one.
    public var session: SessionAddress?
    /// Counts changes of its session's screen (not in the JSON): a detail view showing the
    /// screen reads it again when it moves.
    public var screenVersion = 0
    /// Whether it runs confined: `on`; `off` (its role says `sandbox: off`); `unavailable`
    /// (this machine has no working bubblewrap).
    public var sandbox: Sandbox = .on

    public enum Sandbox: String, Sendable, Encodable {
        case on, off, unavailable
    }

    public struct SessionAddress: Sendable, Encodable, Equatable {
        public var socket: String
        public var name: String
    }

    public struct Tokens: Sendable, Encodable, Equatable {
        public var input = 0
        public var output = 0
        public init(input: Int = 0, output: Int = 0) {
            self.input = input
            self.output = output
        }
    }

    private enum CodingKeys: String, CodingKey {
        case role, state, pid, exitCode, startedAt, attempts, tasks, worktree, external, problem, activity, costUSD, tokens, request, session, sandbox
    }

    public init(role: String, state: AgentState, pid: Int32?, exitCode: Int32?, startedAt: Double?, attempts: Int,
                tasks: TaskCounts, worktree: WorktreeSummary?, external: [WorktreeStatus.ProcessInfo]) {
        self.role = role
        self.state = state
        self.pid = pid
        self.exitCode = exitCode
        self.startedAt = startedAt
        self.attempts = attempts
        self.tasks = tasks
        self.worktree = worktree
        self.external = external
    }

    /// `pid` and `exitCode` are always present, `null` when unknown.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(role, forKey: .role)
        try c.encode(state, forKey: .state)
        try c.encode(pid, forKey: .pid)
        try c.encode(exitCode, forKey: .exitCode)
        try c.encodeIfPresent(startedAt, forKey: .startedAt)
        try c.encode(attempts, forKey: .attempts)
        try c.encode(tasks, forKey: .tasks)
        try c.encode(worktree, forKey: .worktree)
        try c.encode(external, forKey: .external)
        try c.encode(problem, forKey: .problem)
        try c.encode(activity, forKey: .activity)
        try c.encode(costUSD, forKey: .costUSD)
        try c.encode(tokens, forKey: .tokens)
        try c.encode(request.map(ShownRequest.init), forKey: .request)
        try c.encode(session, forKey: .session)
        try c.encode(sandbox, forKey: .sandbox)
    }
}

/// A request as `status --json` shows it: every field it is kept with, and `text`, the
/// request whole as `factory status` prints it (`RequestText.plain`), never cut.
private struct ShownRequest: Encodable {
    let request: PermissionRequest
    private enum CodingKeys: String, CodingKey { case text }

    func encode(to encoder: Encoder) throws {
        try request.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(RequestText(request).plain, forKey: .text)
    }
}

/// The worktree fields of `factory status --json`.
public struct WorktreeSummary: Sendable, Encodable, Equatable {
    public var path: String
    public var health: WorktreeStatus.Health
    public var problem: String?
    public var branch: String?
    public var head: String?
    public var subject: String?
    public var dirty: Int
    public var ahead: Int
    public var behind: Int
    public var lastActivity: Int?
}

/// Something a human should look at, most urgent first.
public struct Attention: Sendable, Encodable, Equatable {
    public enum Kind: String, Sendable, Encodable, CaseIterable {
        /// PLAN.md is missing, not a file, unreadable, empty, cut short or not writable; or
        /// state.json was unreadable and set aside.
        case plan
        case approval, veto, conflict, failed, stalled
        /// An agent the pipeline needs was stopped by a human and stays down until spawned.
        case stopped
        /// An agent asks permission (to run a command, edit a file) and waits for the answer.
        case request
        /// The feature has spent its budget: no agent starts until a human raises it.
        case budget
        /// A role file cannot be read: its agent cannot start until it is fixed.
        case roleFile = "role_file"
        case blocked
        /// An agent (or an edit) tried what only the human or another role may do: refused or put back.
        case trust
        /// The design or tasks changed after the human approved them.
        case planChanged = "plan_changed"
        /// A checkout is still a shared git worktree, or a clone's git config would run programs.
        case sandbox
    }

    public var kind: Kind
    public var role: String?
    public var message: String
    /// Which item this is, apart from its wording: its kind, role and the thing it is about
    /// (a request's ID, the run that failed, the feature awaiting approval). The message may
    /// change while the item stays (a cost, a count in it), and the id does not, so it alerts
    /// once; a new request or a new failure is a new item with a new id.
    public var id: String

    public init(kind: Kind, role: String?, message: String, about: String = "") {
        self.kind = kind
        self.role = role
        self.message = message
        id = "\(kind.rawValue):\(role ?? "-"):\(about)"
    }
}

/// A change the engine made or saw, as one JSON line of `factory events`.
public struct EngineEvent: Sendable, Codable, Equatable {
    /// What happened; the JSON strings are the interface `factory events` readers rely on.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case engineStarted = "engine_started"
        case phase
        case agentStarted = "agent_started"
        case agentExited = "agent_exited"
        case agentFailed = "agent_failed"
        case agentLost = "agent_lost"
        case agentKilled = "agent_killed"
        case agentTimedOut = "agent_timed_out"
        case agentRetry = "agent_retry"
        case agentStalled = "agent_stalled"
        case permissionRequest = "permission_request"
        case permissionAnswer = "permission_answer"
        case toolUse = "tool_use"
        case cost
        /// The feature's budget was set, lifted or spent.
        case budget
        case agentResumed = "agent_resumed"
        case agentAdopted = "agent_adopted"
        /// A human typed into an agent's terminal session.
        case typed
        case approved
        case rejected
        case resumed
        case veto
        case validationFailed = "validation_failed"
        case conflict
        case merged
        case waiting
        case error
        /// The notify command failed (said once per process; its output is in logs/notify.log).
        case notifyFailed = "notify_failed"
        /// Something only the human or another role may do was refused or put back.
        case refused
        /// A validator gave its verdict.
        case verdict
        /// The human set security's critical block aside.
        case overridden
        /// The design or tasks the human approved changed afterwards.
        case planChanged = "plan_changed"
    }

    public var time: Double
    public var kind: Kind
    public var phase: String
    public var role: String?
    public var message: String
    /// Who did it: `human`, `engine`, an agent's role, `agent` (one factory cannot place) or
    /// `unknown`; with the agent's run, when it is one of this factory's.
    public var by: String?
    public var run: String?
    /// The request a `permission_request` or `permission_answer` event is about; absent from
    /// the JSON of every other event.
    public var request: Request?

    /// A request in the events' log: its ID and tool, and on the request's own event the
    /// request whole (`RequestText.plain`), never cut — the audit trail of what was asked.
    public struct Request: Sendable, Codable, Equatable {
        public var requestID: String
        public var tool: String
        public var text: String?

        public init(_ request: PermissionRequest, whole: Bool) {
            requestID = request.requestID
            tool = request.tool
            text = whole ? RequestText(request).plain : nil
        }
    }

    public init(time: Double, kind: Kind, phase: String, role: String?, message: String, request: Request? = nil,
                by: String? = nil, run: String? = nil) {
        self.time = time
        self.kind = kind
        self.phase = phase
        self.role = role
        self.message = message
        self.request = request
        self.by = by
        self.run = run
    }
}
