/// Who asked the engine for something: the human, the engine itself, or an agent. Decided
/// by the engine from what the kernel says about the caller (its process and ancestors),
/// never from anything the caller says about itself.
public enum Caller: Sendable, Equatable, Codable {
    case human
    case engine
    /// One of this factory's agents (its role and the keeper's run ID), or — role nil — an
    /// agent of another factory, or a process started inside factory's terminal sessions.
    case agent(role: String?, runID: String?)
    /// Someone the engine cannot place (another user; a process already gone).
    case unknown(String)

    public var isHuman: Bool { self == .human }

    /// `human`, `engine`, `builder`, `agent`, `unknown`: the `by` of an event.
    public var name: String {
        switch self {
        case .human: return "human"
        case .engine: return "engine"
        case .agent(let role, _): return role ?? "agent"
        case .unknown: return "unknown"
        }
    }

    /// The run, for an agent of this factory.
    public var runID: String? {
        if case .agent(_, let run) = self { return run }
        return nil
    }

    /// The caller in a refusal: "the reviewer", "an agent", "a process factory cannot place".
    var described: String {
        switch self {
        case .human: return "the human"
        case .engine: return "the engine"
        case .agent(let role?, _): return "the \(role)"
        case .agent(nil, _): return "an agent"
        case .unknown(let why): return "a process factory cannot place (\(why))"
        }
    }
}

extension EngineCommand {
    /// Commands only the human may give: an agent that approves its own plan, merges its
    /// own work or answers its own permission request is not a check on anything.
    /// `ping`, `verdict` (for the caller's own role only) and `addTask` are open to agents.
    public var humanOnly: Bool {
        switch self {
        case .ping, .verdict, .addTask: return false
        default: return true
        }
    }
}
