import Foundation

/// Answers to what protocol agents ask: allowed once, always (for this session), or denied.
extension Engine {
    public enum Answer: Sendable, Equatable {
        case allow, allowAlways
        case deny(reason: String?)
    }

    /// Answers `role`'s pending request through its keeper, exactly once: the request is
    /// cleared here, on the engine's queue, only after the agent has the answer.
    public func answer(role: String, _ answer: Answer) throws(EngineError) -> String {
        try onQueue { () throws(EngineError) in
            try Self.checkRole(role)
            guard let request = pool.run(role).request, pool.run(role).state.isActive else {
                throw EngineError("\(role) has no request waiting for an answer")
            }
            let line: String
            switch answer {
            case .allow: line = ClaudeControl.allow(request)
            case .allowAlways: line = ClaudeControl.alwaysAllow(request, rule: request.suggestions.first ?? PermissionRule(tool: request.tool, pattern: nil))
            case .deny(let reason): line = ClaudeControl.deny(request, message: reason.flatMap { $0.isEmpty ? nil : $0 } ?? "The human denied this request.")
            }
            do throws(SocketError) { try pool.supervisor.send(role: role, line) } catch {
                throw EngineError("cannot answer \(role): \(error.description)")
            }
            pool.answered(role)
            let verb = answer == .allow ? "allowed" : answer == .allowAlways ? "always allowed" : "denied"
            event(.permissionAnswer, role: role, "the human \(verb) \(request.summary)")
            publish()
            return "\(verb) \(role): \(request.summary)"
        }
    }
}

extension AgentPool {
    /// The agent has its answer: it works on.
    func answered(_ role: String) {
        dispatchPrecondition(condition: .onQueue(queue))
        records[role]?.request = nil
        if records[role]?.state == .waitingInput { records[role]?.state = .working }
        owner?.runsChanged()
    }
}
