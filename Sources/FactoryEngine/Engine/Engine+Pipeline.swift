import Foundation
import PlanDocument

extension Engine {
    /// Moves the pipeline as far as its gates allow. Called after every change.
    func step() {
        // A broken PLAN.md stops the pipeline where it is: its gates would read a wrong
        // picture, and its writes would land in a file cut short.
        guard options.driving, !stepping, !stopped, planProblem == nil else { publish(); return }
        stepping = true
        defer { stepping = false; publish() }
        for _ in 0..<12 where advance() {}
    }

    /// One gate check; true when the phase changed (check again).
    private func advance() -> Bool {
        let view = plan.view
        switch state.phase {
        case .idle, .done, .blocked:
            return false
        case .planning:
            let run = state.run("architect")
            if !run.state.isActive && architectFinished(view, run) {
                return transition(to: .awaitingApproval, "the architect's design is ready")
            }
            ensureRunning(["architect"])
        case .awaitingApproval:
            if Gates.hasOpenTasks("architect", view) { return transition(to: .planning, "the plan was sent back to the architect") }
            if Gates.approved(view) { return transition(to: .implementation, "the plan was approved") }
            if options.autoApprove { return approvePlan(note: "(Approved automatically by the demo.)") }
        case .implementation:
            if !state.run("builder").state.isActive && Gates.tasksDone("builder", view) {
                return transition(to: .validation, "the builder's tasks are done")
            }
            ensureRunning(["builder"])
        case .validation:
            let result = Gates.validation(view)
            let validators = Phase.validation.roles
            if result.complete && !validators.contains(where: { state.run($0).state.isActive }) {
                return result.passed ? transition(to: .documentation, "tester, reviewer and security all passed") : validationFailed(result)
            }
            ensureRunning(validators.filter { !ownWorkDone($0, view) })
        case .documentation:
            if !state.run("docwriter").state.isActive && Gates.tasksDone("docwriter", view) {
                return transition(to: .merge, "the docwriter's tasks are done")
            }
            ensureRunning(["docwriter"])
        case .merge:
            return runMerge()
        }
        return false
    }

    private func architectFinished(_ view: PlanView, _ run: AgentRun) -> Bool {
        if Gates.tasksDone("architect", view) { return true }
        return run.state == .exited && run.phase == .planning && Gates.hasDesign(view) && !Gates.hasOpenTasks("architect", view)
    }

    /// Has the role done its part of the current phase?
    func ownWorkDone(_ role: String, _ view: PlanView) -> Bool {
        switch role {
        case "tester", "reviewer", "security":
            let kind: VerdictKind = role == "tester" ? .tests : role == "reviewer" ? .review : .security
            let latest = view.verdicts.last { $0.kind == kind }
            return latest.map { Gates.decided.contains($0.verdict) } ?? false
        case "architect": return architectFinished(view, state.run(role))
        default: return Gates.tasksDone(role, view)
        }
    }

    /// Starts each role that is not running; a role whose run in this phase ended without
    /// finishing its work is retried within its budget, then the pipeline blocks.
    func ensureRunning(_ roleNames: [String]) {
        for role in roleNames {
            let run = state.run(role)
            if run.state.isActive { continue }
            // A human killed it: it stays down until `factory spawn`.
            if run.state == .killed && run.phase == state.phase { continue }
            if run.phase == state.phase && run.state != .notStarted {
                let budget = roles[role]?.retries ?? RoleDefinition.defaultRetries
                if run.attempts > budget {
                    _ = block("\(role) did not finish its work in \(run.attempts) attempts (last: \(run.state.rawValue))")
                    return
                }
                event("agent_retry", role: role, "\(role) \(run.state.rawValue) without finishing; retrying (\(run.attempts)/\(budget + 1))")
            }
            // Work on any other branch would never be validated or merged.
            if let missing = missingBranch(role) { _ = block(missing); return }
            startAgent(role)
        }
    }

    private func validationFailed(_ result: Gates.ValidationResult) -> Bool {
        let round = state.validationFailures + 1
        let findings = result.failures.map { "\($0.kind.rawValue): \($0.verdict.replacingOccurrences(of: "_", with: " "))" }.joined(separator: ", ")
        let veto = result.veto ? " Security's critical block is a veto." : ""
        if round > options.validationRetries {
            state.validationFailures = round
            return block("validation failed \(round) times (\(findings))")
        }
        let sendBack: [PlanEdit] = [
            .appendMessage(from: "Orchestrator", to: ["Builder"], body: "Validation round \(round) failed: \(findings).\(veto) Read the findings in the verdict sections and fix them.", time: Clock.minute()),
            .addTask(TaskDraft(agent: "builder", status: "pending", priority: "P0", description: "Fix validation findings (round \(round)): \(findings)")),
        ]
        guard transition(to: .implementation, "validation failed: \(findings)", with: sendBack) else { return false }
        state.validationFailures = round
        save()
        event(result.veto ? "veto" : "validation_failed", role: result.veto ? "security" : nil, "validation round \(round) failed: \(findings)")
        return true
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

    /// Changes phase: PLAN.md first (entry tasks, a change-log row, the Status field and
    /// `extra`, in one write), then the state, an event, and the entry work in git. When
    /// PLAN.md cannot be written nothing changes and the cause is an attention item.
    @discardableResult
    func transition(to next: Phase, _ reason: String, with extra: [PlanEdit] = []) -> Bool {
        do { try changePhase(to: next, reason, with: extra) } catch { return false }
        return true
    }

    func changePhase(to next: Phase, _ reason: String, with extra: [PlanEdit] = []) throws(EngineError) {
        let from = state.phase
        let tasksBefore = plan.view.tasks.map(\.id)
        try writePlan(extra + entryEdits(next, plan.view) + [
            .appendChangeLog(date: Clock.day(), change: "Phase \(from.rawValue) → \(next.rawValue): \(reason)", by: "Orchestrator"),
            .setField(name: "Status", value: Self.statusText(next)),
        ])
        // A new feature: remember its starting tasks, so its history lists only its own.
        if next == .planning && state.tasksBeforeFeature == nil { state.tasksBeforeFeature = tasksBefore }
        state.phase = next
        if next == .blocked {
            state.blockedReason = reason
            if from != .blocked { state.blockedPhase = from }
        } else {
            state.blockedReason = nil
            state.blockedPhase = nil
        }
        // A phase entered again starts its roles' retry budgets afresh.
        for role in next.roles where !state.run(role).state.isActive {
            state.runs[role]?.phase = nil
            state.runs[role]?.attempts = 0
        }
        save()
        event("phase", "\(from.rawValue) → \(next.rawValue): \(reason)")
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

    /// The PLAN.md side of entering a phase. A phase whose role has no open task gets one:
    /// tasks done for an earlier feature must not open this feature's gate.
    private func entryEdits(_ phase: Phase, _ view: PlanView) -> [PlanEdit] {
        func task(_ role: String, _ priority: String, _ what: String) -> [PlanEdit] {
            Gates.hasOpenTasks(role, view) ? [] : [.addTask(TaskDraft(agent: role, status: "pending", priority: priority, description: "\(what): \(state.feature)"))]
        }
        switch phase {
        case .planning: return task("architect", "P0", "Design")
        case .implementation: return task("builder", "P0", "Implement")
        case .documentation: return task("docwriter", "P1", "Document")
        case .validation:
            // A new validation round: verdicts back to undecided.
            return view.verdicts.filter { Gates.decided.contains($0.verdict) }.map {
                .recordVerdict(kind: $0.kind, subject: $0.subject, verdict: "undecided")
            }
        default: return []
        }
    }

    /// Puts the validators' worktrees on the builder's work; the reason it could not, if so.
    private func resetValidators() -> String? {
        if let missing = missingBranch("builder") { return missing }
        defer { refreshWorktreesNow() }
        for role in Phase.validation.roles {
            let result = Git(paths.worktree(role)).run(["reset", "--quiet", "--hard", "agent/builder"])
            if !result.succeeded { return "cannot reset \(role)'s worktree to agent/builder: \(result.firstErrorLine)" }
        }
        return nil
    }

    static func statusText(_ phase: Phase) -> String {
        switch phase {
        case .idle: return "🟢 Ready"
        case .planning: return "🔄 Planning"
        case .awaitingApproval: return "⏸ Awaiting approval"
        case .implementation: return "🔄 Implementation"
        case .validation: return "🔍 Validation"
        case .documentation: return "📝 Documentation"
        case .merge: return "🔀 Merging"
        case .done: return "✅ Done"
        case .blocked: return "⛔ Blocked"
        }
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
