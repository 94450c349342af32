import Foundation

/// Agents in terminal sessions, talked to without attaching.
extension Engine {
    /// The role's tmux sessions server.
    public var terminals: TerminalSessions { TerminalSessions(root: paths.root) }

    /// Types `text` into the role's session as a paste, then Enter; with `record`, the same
    /// words go into PLAN.md as a message from the human, for the team's record.
    func send(role: String, text: String, record: Bool) throws(EngineError) -> String {
        try Self.checkRole(role)
        let line = text.trimmingCharacters(in: .newlines)
        guard !line.isEmpty else { throw EngineError("nothing to send") }
        guard terminals.exists(role) else {
            throw EngineError("\(role) has no terminal session (session: tmux in agents/\(role).md gives it one, when it runs)")
        }
        do throws(SpawnError) { try terminals.send(role, text: line) } catch { throw EngineError(error.description) }
        try onQueue { () throws(EngineError) in
            if record { try say(to: role, text: line) }
            event(.typed, role: role, "the human typed into \(role)'s terminal: \(line.prefix(200))")
        }
        return record ? "typed into \(role)'s terminal, and recorded in PLAN.md" : "typed into \(role)'s terminal"
    }
}
