import Foundation
import PlanDocument

extension Engine {
    /// Moves the pipeline as far as its gates allow. Called after every change.
    func step() {
        dispatchPrecondition(condition: .onQueue(queue))
        // A broken PLAN.md stops the pipeline where it is: its gates would read a wrong
        // picture, and its writes would land in a file cut short.
        guard options.driving, !stepping, !stopped, planProblem == nil else { publish(); return }
        stepping = true
        defer { stepping = false; publish() }
        recheckBrokenRoles()
        for _ in 0..<12 where advance() {}
    }

    /// Decides (a pure `PipelineMachine`) and does what it decided; true when the phase
    /// changed, so the gates are checked again.
    private func advance() -> Bool {
        let actions = PipelineMachine(input: machineInput()).decide()
        for action in actions {
            switch action {
            case let .transition(t):
                return transition(t)
            case let .approvePlan(note):
                return approvePlan(note: note)
            case let .start(role, retry):
                if let retry { event(.agentRetry, role: role, retry) }
                // Work on any other branch would never be validated or merged.
                if let missing = missingBranch(role) { return block(missing) }
                startAgent(role)
            case .merge:
                return runMerge()
            case let .wait(seconds):
                stepAgain(after: seconds)
            }
        }
        return false
    }

    func machineInput() -> PipelineMachine.Input {
        PipelineMachine.Input(phase: state.phase, feature: state.feature, view: plan.view, runs: pool.runs,
                              retries: roles.mapValues(\.retries), validationFailures: state.validationFailures,
                              validationRetries: options.validationRetries, autoApprove: options.autoApprove,
                              approved: state.approved, verdicts: state.ledger,
                              day: Clock.day(), minute: Clock.minute(), now: wallNow(), overBudget: state.overBudget, rolesOverBudget: rolesOverBudget)
    }

    /// One pending timer at most: the pipeline is decided again when it fires.
    private func stepAgain(after seconds: Double) {
        guard !stepScheduled else { return }
        stepScheduled = true
        queue.asyncAfter(deadline: .now() + seconds) { [weak self] in
            guard let self, !self.stopped else { return }
            self.stepScheduled = false
            self.step()
        }
    }

    @discardableResult
    func block(_ reason: String) -> Bool {
        transition(to: .blocked, reason)
    }

    /// The role's branch, which everything downstream reads, is gone or renamed.
    func missingBranch(_ role: String) -> String? {
        let branch = "agent/\(role)"
        guard !Git(paths.root).branchExists(branch) else { return nil }
        let on = worktrees[role]?.branch.map { "; its worktree is on \($0)" } ?? ""
        return "\(role)'s branch \(branch) is missing (renamed or deleted?)\(on); restore it, then factory resume"
    }

    /// Changes phase; false when PLAN.md could not be written (nothing changed then).
    @discardableResult
    func transition(to next: Phase, _ reason: String) -> Bool {
        transition(PipelineMachine.Transition(to: next, reason: reason))
    }

    @discardableResult
    func transition(_ t: PipelineMachine.Transition) -> Bool {
        do { try changePhase(t) } catch { return false }
        return true
    }

    /// Does a transition: PLAN.md first, in one write (entry tasks, a change-log row, the
    /// Status field and the transition's own edits), then the state, an event, and the
    /// entry work in git. When PLAN.md cannot be written nothing changes and the cause is
    /// an attention item.
    func changePhase(_ t: PipelineMachine.Transition) throws(EngineError) {
        dispatchPrecondition(condition: .onQueue(queue))
        let from = state.phase, next = t.to
        let tasksBefore = plan.view.tasks.map(\.id)
        try writePlan(PipelineMachine.edits(from: from, t, view: plan.view, feature: state.feature, day: Clock.day()))
        // A new feature: remember its starting tasks, so its history lists only its own.
        if next == .planning && state.tasksBeforeFeature == nil { state.tasksBeforeFeature = tasksBefore }
        // Tasks this write added are the engine's own, not changes to an approved plan.
        let added = plan.view.tasks.map(\.id).filter { !tasksBefore.contains($0) }
        if !added.isEmpty { state.engineTasks = (state.engineTasks ?? []) + added }
        enterTrust(next)
        if let round = t.validationRound { state.validationFailures = round }
        state.phase = next
        if next == .blocked {
            state.blockedReason = t.reason
            if from != .blocked { state.blockedPhase = from }
        } else {
            state.blockedReason = nil
            state.blockedPhase = nil
        }
        // A phase entered again starts its roles' retry budgets afresh.
        pool.freshBudgets(for: next.roles)
        save()
        if let round = t.validationRound {
            event(t.veto ? .veto : .validationFailed, role: t.veto ? "security" : nil, "validation round \(round) failed: \(t.reason.replacingOccurrences(of: "validation failed: ", with: ""))")
        }
        event(.phase, "\(from.rawValue) → \(next.rawValue): \(t.reason)")
        if next == .validation, let failure = resetValidators() {
            block(failure)
            return
        }
        if next == .done || next == .blocked {
            let done = finished
            let phase = next
            queue.async { done?(phase) }
        }
    }

    /// What the record of trust keeps across a phase change: a plan sent back to planning
    /// needs a new approval; a validation round starts with no verdicts. The alerts stay
    /// with the feature (a tick tried in planning matters at the approval), and go with it.
    private func enterTrust(_ next: Phase) {
        if next == .planning { state.approval = nil; state.planChangedSinceApproval = nil }
        if next == .validation { state.verdicts = VerdictLedger() }
    }

    /// Puts the validators' worktrees on the builder's work (the builder's clone fetched
    /// first, then a fetch and a hard reset in each validator's clone); the reason it could
    /// not, if so.
    private func resetValidators() -> String? {
        if let problem = clones.fetchBack("builder") { return problem }
        if let missing = missingBranch("builder") { return missing }
        if let off = (["builder"] + Phase.validation.roles).lazy.compactMap({ WorktreeBranch.problem($0, self.clones) }).first { return off }
        defer { worktrees.refreshNow() }
        return Phase.validation.roles.lazy.compactMap { self.clones.reset($0, toBranchOf: "builder") }.first
    }
}

/// Local timestamps as PLAN.md writes them.
public enum Clock {
    public static func minute() -> String { format("yyyy-MM-dd HH:mm") }
    public static func day() -> String { format("yyyy-MM-dd") }

    private static func format(_ pattern: String) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = pattern
        return f.string(from: Date())
    }
}
