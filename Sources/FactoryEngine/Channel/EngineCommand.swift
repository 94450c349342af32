import PlanDocument

/// What people and other processes ask of the engine: one typed value, whether it is run
/// by the engine in this process or sent over `.agent-comms/engine.sock` to the one that
/// drives. Encoded as JSON (`{"approve":{"note":null}}`).
public enum EngineCommand: Codable, Sendable, Equatable {
    /// A feature to build; `budgetUSD` stops new agent turns once the feature has spent it.
    case start(feature: String, budgetUSD: Double? = nil)
    /// The feature's budget in USD, or none (nil).
    case budget(usd: Double?)
    case approve(note: String?)
    case reject(reason: String)
    case spawn(role: String)
    case kill(role: String)
    case restart(role: String)
    /// A message from the human to a role, in PLAN.md.
    case tell(role: String, text: String)
    case merge
    /// A blocked pipeline goes on at the phase that blocked.
    case resume
    /// The answer to the role's pending permission request.
    case allow(role: String, always: Bool)
    case deny(role: String, reason: String?)
    /// A line typed into the role's terminal session (then Enter); `record`: also a message
    /// from the human to the role in PLAN.md.
    case send(role: String, text: String, record: Bool)
    /// Answers to the questions the role's agent asks, one per question, in order.
    case answer(role: String, answers: [String])
    /// Is anyone there? Answers with the phase (the channel's own round trip).
    case ping
    /// A validator's verdict for the current round: counts only from the agent of its role.
    case verdict(kind: VerdictKind, subject: String, verdict: String)
    /// The human sets security's critical block aside, saying why (kept in HISTORY.md).
    case override(reason: String)
    /// A task row added to PLAN.md itself, its free ID chosen there: what an agent's
    /// `factory task add` sends, so two agents adding at once never take the same ID.
    case addTask(id: String, agent: String, status: String, priority: String, description: String, dependsOn: [String], table: Int?)

    /// A word for the command in notices and errors.
    public var name: String {
        switch self {
        case .start: return "start"
        case .approve: return "approve"
        case .reject: return "reject"
        case .spawn: return "spawn"
        case .kill: return "kill"
        case .restart: return "restart"
        case .tell: return "tell"
        case .merge: return "merge"
        case .resume: return "resume"
        case .allow: return "allow"
        case .deny: return "deny"
        case .answer: return "answer"
        case .send: return "send"
        case .ping: return "ping"
        case .budget: return "budget"
        case .verdict: return "verdict"
        case .override: return "override"
        case .addTask: return "task add"
        }
    }
}

/// The engine's answer: what it did, or why it refused.
public struct EngineAnswer: Codable, Sendable, Equatable {
    public var ok: Bool
    public var message: String

    public init(ok: Bool, message: String) {
        self.ok = ok
        self.message = message
    }
}
