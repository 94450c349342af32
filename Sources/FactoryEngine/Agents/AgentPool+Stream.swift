import Foundation

/// What protocol agents say, as it arrives: their activity, usage and requests.
extension AgentPool {
    /// Recent activity kept per agent, for the detail view.
    static let activityLimit = 1_000

    /// A piece of a protocol agent's stdout: decoded, and its run brought up to date.
    func heard(_ role: String, _ runID: String, _ data: Data) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard records[role]?.runID == runID, var stream = streams[role] else { return }
        let events = stream.feed(data)
        streams[role] = stream
        guard !events.isEmpty else { return }
        var mattered = false
        for event in events { mattered = apply(event, to: role) || mattered }
        // A request, an answer withdrawn or a turn's end is worth state.json at once; the
        // rest (text, tool calls, usage) shows on screen and is saved with the next change.
        if mattered { owner?.runsChanged() }
        owner?.streamChanged(urgent: mattered)
    }

    /// The agent's output is over (it exited): a last line without its newline, and words
    /// its decoder held back, are read; the decoder is let go. True when that changed the run.
    func finishStream(_ role: String) -> Bool {
        guard var stream = streams.removeValue(forKey: role) else { return false }
        let events = stream.finish()
        for event in events { _ = apply(event, to: role) }
        if !events.isEmpty { owner?.streamChanged(urgent: true) }
        return !events.isEmpty
    }

    /// A re-adopted protocol agent's attempt so far, read back from its log: its activity and
    /// usage, and — when no engine was listening — the request it still waits on (answered
    /// by the role's lists or shown to the human) and a turn that ended unseen (its input
    /// closed so it can exit, its cost counted).
    func catchUp(_ role: String, _ agentProtocol: AgentProtocol) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let replay = ProtocolReplay.read(log: "\(paths.logs)/\(role).log", as: agentProtocol, cwd: paths.worktree(role)) else { return }
        activity[role] = replay.feed(limit: Self.activityLimit)
        for event in replay.events {
            switch event {
            case .activity(let item): records[role]?.step = item.oneLine
            case .usage(let usage): records[role]?.usage = usage
            default: break
            }
        }
        if let request = replay.pending, records[role]?.request?.requestID != request.requestID {
            _ = apply(.request(request), to: role)
        }
        if let ended = replay.ended, records[role]?.state != .idle { _ = apply(.ended(ended), to: role) }
    }

    /// Applies one event to the role's run; true when it changes what must survive a restart.
    private func apply(_ event: AgentStreamEvent, to role: String) -> Bool {
        switch event {
        case .activity(let item):
            if case .toolCall(_, _, let summary) = item { owner?.agentEvent(.toolUse, role: role, "\(role): \(summary)") }
            activity[role, default: FeedBuffer(limit: Self.activityLimit)].append(.activity(item))
            records[role]?.step = item.oneLine
            return false
        case .usage(let usage):
            records[role]?.usage = usage
            return false
        case .request(let request):
            let asks = request.questions?.first.map { "\(role) asks: \($0.line.capped(ToolSummary.limit))" } ?? "\(role) asks to run \(request.summary)"
            owner?.agentEvent(.permissionRequest, role: role, asks, request: EngineEvent.Request(request, whole: true))
            // A question is for the human, whatever the lists say.
            if !request.isQuestion, let decision = owner?.definition(of: role)?.policy.decide(request), answerByPolicy(role, request, decision) { return false }
            records[role]?.request = request
            records[role]?.state = .waitingInput
            pauseTimeout(role)
            return true
        case .withdrawn(let id):
            guard records[role]?.request?.requestID == id else { return false }
            records[role]?.request = nil
            records[role]?.state = .working
            resumeTimeout(role)
            return true
        case .ended(let result):
            owner?.agentEvent(.cost, role: role, String(format: "%@ spent $%.4f in %d turns", role, result.costUSD, result.turns))
            records[role]?.state = .idle
            records[role]?.usage?.costUSD = result.costUSD
            owner?.agentSpent(role, result.costUSD)
            // Its turn is over: the end of its input lets it exit, and the pipeline go on.
            // (An agent that does not read answers had its input closed at its start.)
            supervisor.closeInput(role: role)
            return true
        case .unanswerable(let id, let subtype):
            try? supervisor.send(role: role, ClaudeControl.unsupported(requestID: id, subtype: subtype))
            return false
        case .session, .garbage:
            return false
        }
    }
}

extension AgentPool {
    /// The role's `allow:`/`deny:` lists decided: the agent gets the answer at once and no
    /// human is asked. False when the answer could not be delivered (a human decides then).
    func answerByPolicy(_ role: String, _ request: PermissionRequest, _ decision: PermissionPolicy.Decision) -> Bool {
        let line: String, said: String
        switch decision {
        case .allow(let rule):
            line = ClaudeControl.allow(request)
            said = "allowed by \(role)'s rule \(rule)"
        case .deny(let rule):
            line = ClaudeControl.deny(request, message: "Denied by factory's rule \(rule) for the \(role).")
            said = "denied by \(role)'s rule \(rule)"
        }
        guard (try? supervisor.send(role: role, line)) != nil else { return false }
        owner?.agentEvent(.permissionAnswer, role: role, "\(request.summary): \(said)", request: EngineEvent.Request(request, whole: false))
        return true
    }
}

extension ActivityItem {
    /// The item as the agents pane shows a current step.
    public var oneLine: String {
        switch self {
        case .text(let text): return String(text.split(separator: "\n", omittingEmptySubsequences: true).first ?? "")
        case .thinking(let first, _): return "thinking: \(first)"
        case .toolCall(_, _, let summary): return summary
        case .toolResult(_, let ok, let first): return ok ? "ok: \(first)" : "error: \(first)"
        case .error(let text): return "error: \(text)"
        case .result(let ok, let turns, let cost): return String(format: "%@ after %d turns, $%.4f", ok ? "done" : "failed", turns, cost)
        }
    }
}
