import Foundation

/// Agents in terminal sessions, talked to without attaching.
extension Engine {
    /// The role's tmux sessions server.
    public var terminals: TerminalSessions { TerminalSessions(root: paths.root) }

    /// Why the role's session cannot be reached now, in words that say what to do; nil when
    /// it can.
    public func sessionProblem(_ role: String) -> String? {
        do throws(SpawnError) { try TerminalSessions.checkInstalled() } catch { return error.description }
        if terminals.exists(role) { return nil }
        let (inTerminal, active) = queue.sync { (roles[role]?.inTerminal ?? false, pool.run(role).state.isActive) }
        if inTerminal && !active { return "\(role) is not running: s (or factory spawn \(role)) starts it in its session" }
        if inTerminal { return "\(role)'s session has ended" }
        return "\(role) has no terminal session (session: tmux in agents/\(role).md gives it one, when it runs)"
    }

    /// Types `text` into the role's session as a paste, then Enter; with `record`, the same
    /// words go into PLAN.md as a message from the human, for the team's record.
    func send(role: String, text: String, record: Bool) throws(EngineError) -> String {
        try Self.checkRole(role)
        let line = text.trimmingCharacters(in: .newlines)
        guard !line.isEmpty else { throw EngineError("nothing to send") }
        if let problem = sessionProblem(role) { throw EngineError(problem) }
        do throws(SpawnError) { try terminals.send(role, text: line) } catch { throw EngineError(error.description) }
        try onQueue { () throws(EngineError) in
            if record { try say(to: role, text: line) }
            event(.typed, role: role, "the human typed into \(role)'s terminal: \(line.prefix(200))")
        }
        return record ? "typed into \(role)'s terminal, and recorded in PLAN.md" : "typed into \(role)'s terminal"
    }
}
