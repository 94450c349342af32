import Foundation
import PlanDocument

extension Engine {
    /// Moves the pipeline as far as its gates allow. Called after every change.
    func step() {
        guard options.driving, !stepping, !stopped else { publish(); return }
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
            startAgent(role)
        }
    }

    private func validationFailed(_ result: Gates.ValidationResult) -> Bool {
        state.validationFailures += 1
        let findings = result.failures.map { "\($0.kind.rawValue): \($0.verdict.replacingOccurrences(of: "_", with: " "))" }.joined(separator: ", ")
        let veto = result.veto ? " Security's critical block is a veto." : ""
        if state.validationFailures > options.validationRetries {
            return block("validation failed \(state.validationFailures) times (\(findings))")
        }
        let round = state.validationFailures
        edit([
            .appendMessage(from: "Orchestrator", to: ["Builder"], body: "Validation round \(round) failed: \(findings).\(veto) Read the findings in the verdict sections and fix them.", time: Clock.minute()),
            .addTask(TaskDraft(agent: "builder", status: "pending", priority: "P0", description: "Fix validation findings (round \(round)): \(findings)")),
        ])
        event(result.veto ? "veto" : "validation_failed", role: result.veto ? "security" : nil, "validation round \(round) failed: \(findings)")
        return transition(to: .implementation, "validation failed: \(findings)")
    }

    @discardableResult
    func block(_ reason: String) -> Bool {
        state.blockedReason = reason
        return transition(to: .blocked, reason)
    }

    /// Changes phase: entry work, a change-log row, the Status field, an event.
    @discardableResult
    func transition(to next: Phase, _ reason: String) -> Bool {
        let from = state.phase
        state.phase = next
        if next != .blocked { state.blockedReason = nil }
        // A phase entered again starts its roles' retry budgets afresh.
        for role in next.roles where !state.run(role).state.isActive {
            state.runs[role]?.phase = nil
            state.runs[role]?.attempts = 0
        }
        enter(next)
        edit([
            .appendChangeLog(date: Clock.day(), change: "Phase \(from.rawValue) → \(next.rawValue): \(reason)", by: "Orchestrator"),
            .setField(name: "Status", value: Self.statusText(next)),
        ])
        save()
        event("phase", "\(from.rawValue) → \(next.rawValue): \(reason)")
        if next == .done || next == .blocked {
            let done = finished
            let phase = next
            queue.async { done?(phase) }
        }
        return true
    }

    private func enter(_ phase: Phase) {
        let view = plan.view
        // A phase whose role has no open task gets one: tasks done for an earlier feature
        // must not open this feature's gate.
        switch phase {
        case .planning where !Gates.hasOpenTasks("architect", view):
            edit([.addTask(TaskDraft(agent: "architect", status: "pending", priority: "P0", description: "Design: \(state.feature)"))])
        case .implementation where !Gates.hasOpenTasks("builder", view):
            edit([.addTask(TaskDraft(agent: "builder", status: "pending", priority: "P0", description: "Implement: \(state.feature)"))])
        case .validation:
            resetValidation(view)
        case .documentation where !Gates.hasOpenTasks("docwriter", view):
            edit([.addTask(TaskDraft(agent: "docwriter", status: "pending", priority: "P1", description: "Document: \(state.feature)"))])
        default:
            break
        }
    }

    /// A new validation round: verdicts back to undecided, validators' worktrees on the
    /// builder's work.
    private func resetValidation(_ view: PlanView) {
        var edits: [PlanEdit] = []
        for v in view.verdicts where Gates.decided.contains(v.verdict) {
            edits.append(.recordVerdict(kind: v.kind, subject: v.subject, verdict: "undecided"))
        }
        if !edits.isEmpty { edit(edits) }
        for role in Phase.validation.roles {
            let result = Git(paths.worktree(role)).run(["reset", "--quiet", "--hard", "agent/builder"])
            if !result.succeeded { event("error", role: role, "cannot reset \(role)'s worktree to agent/builder: \(result.firstErrorLine)") }
        }
        refreshWorktreesNow()
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
