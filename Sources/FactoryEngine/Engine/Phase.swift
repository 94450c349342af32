/// Where the feature is in the pipeline.
public enum Phase: String, Sendable, Codable, CaseIterable {
    case idle, planning
    case awaitingApproval = "awaiting_approval"
    case implementation, validation, documentation, merge, done, blocked

    /// The pipeline in order, for display (blocked is off the line).
    public static let pipeline: [Phase] = [.idle, .planning, .awaitingApproval, .implementation, .validation, .documentation, .merge, .done]

    /// The roles that work in this phase.
    public var roles: [String] {
        switch self {
        case .planning: return ["architect"]
        case .implementation: return ["builder"]
        case .validation: return ["tester", "reviewer", "security"]
        case .documentation: return ["docwriter"]
        default: return []
        }
    }
}

/// What an agent is doing, from several signals (its process, its output, its worktree).
public enum AgentState: String, Sendable, Codable {
    case notStarted = "not_started"
    case running, stalled
    /// Exited with status 0.
    case exited
    /// Exited with a non-zero status.
    case failed, killed
    case timedOut = "timed_out"
    /// A process in the worktree that factory did not start.
    case external
    /// For agents whose protocol factory reads: a turn in progress, a request waiting for
    /// an answer, a turn ended with the process still there.
    case working
    case waitingInput = "waiting_input"
    case idle
    /// Running in a terminal session, but no signal (hook, screen rule) is fresh enough to
    /// say what it is doing: said so, rather than guessed.
    case unknown

    public var isActive: Bool { [.running, .stalled, .working, .waitingInput, .idle, .unknown].contains(self) }
}
