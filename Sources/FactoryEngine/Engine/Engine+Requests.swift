import Foundation
import PlanDocument

/// Answers to what protocol agents ask: allowed once, always (for this session), or denied.
extension Engine {
    public enum Answer: Sendable, Equatable {
        case allow, allowAlways
        case deny(reason: String?)
        /// What the human typed for each question the agent asks.
        case questions([String])
    }

    /// Answers `role`'s pending request through its keeper, exactly once: the request is
    /// cleared here, on the engine's queue, only after the agent has the answer.
    public func answer(role: String, _ answer: Answer) throws(EngineError) -> String {
        try onQueue { () throws(EngineError) in
            try Self.checkRole(role)
            guard let request = pool.run(role).request, pool.run(role).state.isActive else {
                throw EngineError("\(role) has no request waiting for an answer")
            }
            if request.tool == SessionScreen.tool { return try answerOnScreen(role, request, answer) }
            if case .questions(let typed) = answer { return try answerQuestions(role, request, typed) }
            // Allowing a question without its answers would run it with none.
            if request.isQuestion, answer == .allow || answer == .allowAlways {
                throw EngineError("\(role) asks a question, not a permission: answer it (y in the dashboard, or factory answer \(role) TEXT), or deny it")
            }
            let line: String
            let rule = answer == .allowAlways ? request.alwaysRule : nil
            switch answer {
            case .allow: line = ClaudeControl.allow(request)
            case .allowAlways: line = rule.map { ClaudeControl.alwaysAllow(request, rule: $0) } ?? ClaudeControl.allow(request)
            case .deny(let reason): line = ClaudeControl.deny(request, message: reason.flatMap { $0.isEmpty ? nil : $0 } ?? "The human denied this request.")
            case .questions: return ""
            }
            do throws(SocketError) { try pool.supervisor.send(role: role, line) } catch {
                throw EngineError("cannot answer \(role): \(error.description)")
            }
            pool.answered(role)
            let verb = answer == .allow ? "allowed" : answer == .allowAlways ? "always allowed" : "denied"
            let kept = answer == .allowAlways ? "; " + keepAllowRule(rule, for: role) : ""
            event(.permissionAnswer, role: role, "the human \(verb) \(request.summary)\(kept)", request: EngineEvent.Request(request, whole: false))
            publish()
            return "\(verb) \(role): \(request.summary)\(kept)"
        }
    }
}

extension Engine {
    /// The human's answers reach the agent as the question tool's input, exactly once.
    func answerQuestions(_ role: String, _ request: PermissionRequest, _ typed: [String]) throws(EngineError) -> String {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let questions = request.questions, !questions.isEmpty else {
            throw EngineError("\(role) asks permission to run \(request.summary), not a question: factory allow or deny it")
        }
        let given = typed.map { $0.trimmingCharacters(in: .whitespaces) }
        guard given.count == questions.count, !given.contains(where: \.isEmpty) else {
            let count = questions.count == 1 ? "1 question" : "\(questions.count) questions"
            throw EngineError("\(role) asks \(count): give one answer for each (\(questions.map(\.question).joined(separator: " / ")))")
        }
        var answers: [(String, String)] = []
        for (question, typed) in zip(questions, given) {
            do throws(AgentQuestion.AnswerError) { answers.append((question.question, try question.answer(typed))) } catch {
                throw EngineError(error.description)
            }
        }
        do throws(SocketError) {
            try pool.supervisor.send(role: role, ClaudeControl.answer(request, Dictionary(answers, uniquingKeysWith: { a, _ in a })))
        } catch {
            throw EngineError("cannot answer \(role): \(error.description)")
        }
        pool.answered(role)
        let said = answers.map { "\($0.0) → \($0.1)" }.joined(separator: "; ")
        event(.permissionAnswer, role: role, "the human answered \(role): \(said)", request: EngineEvent.Request(request, whole: false))
        publish()
        return "answered \(role): \(said)"
    }

    /// "Always" lasts: the rule joins the role's `allow:` list in `agents/<role>.md`, so the
    /// engine answers the next call like it without asking — in this session and the next.
    /// Says what became of the rule, for the answer and the event.
    func keepAllowRule(_ rule: PermissionRule?, for role: String) -> String {
        guard let rule else { return "no rule can name only calls like this one, so it asks again next time" }
        let file = "\(paths.agents)/\(role).md"
        let shown = paths.relative(file)
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        guard let edited = RoleFileEdit.addingAllowRule(rule.text, role: role, to: text) else {
            return "allowed for this session only: \(shown)'s allow list has a shape factory does not edit; add \(rule.text) to it by hand"
        }
        if edited != text {
            do throws(PlanFileError) { try AtomicFile.replace(file, with: Array(edited.utf8)) } catch {
                return "allowed for this session only: cannot write \(shown): \(error)"
            }
        }
        if let def = try? Self.loadRole(role, paths) { roles[role] = def }
        return "rule \(rule.text) is in \(shown)'s allow list"
    }
}

extension AgentPool {
    /// The agent has its answer: it works on.
    func answered(_ role: String) {
        dispatchPrecondition(condition: .onQueue(queue))
        records[role]?.request = nil
        if records[role]?.state == .waitingInput { records[role]?.state = .working }
        resumeTimeout(role)
        owner?.runsChanged()
    }
}
