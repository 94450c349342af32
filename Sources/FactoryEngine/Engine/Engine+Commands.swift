import Foundation
import PlanDocument
#if canImport(Glibc)
import Glibc
#endif

/// What people (and the CLI) ask of the engine. Each runs on the engine queue.
extension Engine {
    /// `budgetUSD`: the feature's budget; without it, PLAN.md's `**Budget:**` field, if any.
    public func start(feature: String, budgetUSD: Double? = nil) throws(EngineError) {
        try onQueue { () throws(EngineError) in
            guard [.idle, .done, .blocked].contains(state.phase) else {
                throw EngineError("a feature is in progress (phase \(state.phase.rawValue)); finish it first")
            }
            let text = feature.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { throw EngineError("describe the feature to build") }
            let budget = try budgetUSD.map { usd throws(EngineError) in try Budget.check(usd) } ?? plan.view.field("Budget").flatMap(Budget.parse)
            // A new feature needs a new approval.
            let unapprove: [PlanEdit] = Gates.approvalTicked(plan.view) ? [.setCheckpointItem(text: Gates.approvalItem, done: false)] : []
            try writePlan(unapprove + [
                .setField(name: "Feature", value: text),
                .appendMessage(from: "Human", to: ["Architect"], body: "New feature: \(text)", time: Clock.minute()),
            ])
            state = EngineState()
            pool.forgetEnded()
            state.feature = text
            state.budgetUSD = budget
            transition(to: .planning, "feature requested: \(text)")
            step()
        }
    }

    /// The human's approval of the plan awaiting it — or, once the approved design or tasks
    /// have changed, of the plan as it now stands. Sealed with what it covers.
    @discardableResult
    public func approve(note: String? = nil) throws(EngineError) -> String {
        try onQueue { () throws(EngineError) in
            if state.phase == .awaitingApproval {
                try sealApproval(note: note, by: "human")
                step()
                let held = Budget.heldNote(state)
                let seal = state.approval?.shortSeal ?? "?"
                return held.isEmpty ? "plan approved (seal \(seal)): implementation begins" : "plan approved (seal \(seal))" + held
            }
            if state.approved, state.planChangedSinceApproval != nil {
                try sealApproval(note: note ?? "The changed plan is approved.", by: "human")
                publish()
                return "the changed plan approved (seal \(state.approval?.shortSeal ?? "?"))"
            }
            throw EngineError("nothing awaits approval (phase \(state.phase.rawValue))")
        }
    }

    /// The demo's automatic approval, for the pipeline: true when the plan was approved.
    func approvePlan(note: String?) -> Bool {
        do { try sealApproval(note: note, by: "demo"); return true } catch { return false }
    }

    public func reject(reason: String) throws(EngineError) {
        try onQueue { () throws(EngineError) in
            guard state.phase == .awaitingApproval else { throw EngineError("nothing awaits approval (phase \(state.phase.rawValue))") }
            let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !why.isEmpty else { throw EngineError("give a reason for the architect") }
            let unapprove: [PlanEdit] = Gates.approvalTicked(plan.view) ? [.setCheckpointItem(text: Gates.approvalItem, done: false)] : []
            try writePlan(unapprove + [
                .appendMessage(from: "Human", to: ["Architect"], body: "Plan rejected: \(why)", time: Clock.minute()),
                .addTask(TaskDraft(agent: "architect", status: "pending", priority: "P0", description: "Revise the design: \(why)")),
                .appendChangeLog(date: Clock.day(), change: "Plan rejected: \(why)", by: "Human"),
            ])
            state.approval = nil
            event(.rejected, role: "architect", "plan rejected: \(why)")
            step()
        }
    }

    public func spawn(role: String) throws(EngineError) {
        try onQueue { () throws(EngineError) in
            try Self.checkRole(role)
            let name = role
            guard !pool.run(name).state.isActive else { throw EngineError("\(name) is already running (pid \(pool.run(name).pid ?? 0))") }
            // The human decided to try again: the role's retry budget starts afresh.
            pool.forgetAttempts(name)
            guard startAgent(name) else { throw EngineError(startFailure(name)) }
            publish()
        }
    }

    public func kill(role: String) throws(EngineError) {
        try onQueue { () throws(EngineError) in
            try Self.checkRole(role)
            guard pool.run(role).state.isActive else { throw EngineError("\(role) is not running") }
            pool.stop(role)
            publish()
        }
    }

    public func merge() throws(EngineError) {
        try onQueue { () throws(EngineError) in
            guard state.phase != .idle else { throw EngineError("no feature has been started") }
            // Merging is the last gate, never a way around the others: only a feature whose
            // documentation is done (the merge phase, or a merge that blocked) is merged.
            let retrying = state.phase == .merge || (state.phase == .blocked && state.blockedPhase == .merge)
            guard state.phase != .done else { throw EngineError("\"\(state.feature)\" is merged already (phase done)") }
            guard retrying else {
                throw EngineError("nothing to merge yet: the feature is at \(state.phase == .blocked ? "blocked (\(state.blockedPhase?.rawValue ?? "?"))" : state.phase.rawValue); merging follows documentation")
            }
            _ = transition(to: .merge, "merge requested")
            if !options.driving { _ = runMerge() }
            step()
        }
    }

}

extension Engine {
    /// A message from the human to a role, in PLAN.md.
    public func say(to role: String, text: String) throws(EngineError) {
        try onQueue { () throws(EngineError) in
            let body = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !body.isEmpty else { throw EngineError("nothing to say") }
            try writePlan([.appendMessage(from: "Human", to: [role], body: body, time: Clock.minute())])
            publish()
        }
    }

    /// Kills the role's agent and starts it again once it has exited.
    public func restart(role: String) throws(EngineError) {
        try onQueue { () throws(EngineError) in
            try Self.checkRole(role)
            if pool.run(role).state.isActive {
                pool.restart(role)
            } else {
                guard startAgent(role) else { throw EngineError(startFailure(role)) }
            }
            publish()
        }
    }

    /// Ends every running agent at once and waits up to a second for them to go: for
    /// throwaway factories such as the demo's, before their folder is removed.
    public func killAllAgents() {
        AgentPool.endAtOnce(queue.sync { pool.activePids })
    }
}

extension Engine {
    /// A task row in PLAN.md itself, its ID — the next free one when none is given — chosen
    /// under the lock; the ID.
    func addTask(_ draft: TaskDraft) throws(EngineError) -> String {
        dispatchPrecondition(condition: .onQueue(queue))
        var draft = draft
        var taken = false
        try writePlan { current in
            if draft.id.isEmpty { draft.id = current.nextTaskID() } else { taken = current.view.tasks.contains { $0.id == draft.id } }
            return taken ? [] : [.addTask(draft)]
        }
        if taken { throw EngineError("task ID \(draft.id) is taken; leave --id out for the next free one") }
        publish()
        return draft.id
    }
}
