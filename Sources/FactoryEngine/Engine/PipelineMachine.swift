import PlanDocument

/// The pipeline's decisions as a pure function, in the style of swift-nio's state machines:
/// given what the engine sees (PLAN.md's view, the agent runs, the phase and its counters)
/// it returns the actions to take, and the engine does them. No git, no processes, no
/// clock: the timestamps PLAN.md gets come in with the input.
struct PipelineMachine {
    /// What the engine sees now.
    struct Input {
        var phase: Phase
        var feature: String
        var view: PlanView
        var runs: [String: AgentRun]
        /// Further attempts each role may make in a phase (its `retries`).
        var retries: [String: Int]
        var validationFailures: Int
        var validationRetries: Int
        var autoApprove: Bool
        /// The human approved this feature's plan (the engine's sealed record, not PLAN.md's box).
        var approved = false
        /// The current validation round's verdicts, as their roles gave them.
        var verdicts = VerdictLedger()
        /// `yyyy-MM-dd` and `yyyy-MM-dd HH:mm`, for the change log and messages.
        var day: String
        var minute: String
        /// Seconds since the epoch, for the pause before a retry (∞: never wait).
        var now: Double = .infinity
        /// The feature has spent its budget: no agent starts (a human decides).
        var overBudget = false
        /// Roles that have spent their own `budget_usd` on the feature: they start no agent.
        var rolesOverBudget: Set<String> = []

        func run(_ role: String) -> AgentRun { runs[role] ?? AgentRun(role: role) }
    }

    /// A phase change: everything it writes to PLAN.md goes in one `PlanFile.update`.
    struct Transition: Equatable {
        var to: Phase
        var reason: String
        /// Edits written with the change-log row (the findings sent back to the builder).
        var extra: [PlanEdit] = []
        /// A failed validation round this transition records, and whether security vetoed.
        var validationRound: Int?
        var veto = false
    }

    enum Action: Equatable {
        case transition(Transition)
        /// Tick the approval checkpoint without a human (the headless demo).
        case approvePlan(note: String)
        /// Start the role's agent; `retry` is the event's text when it is another attempt.
        case start(role: String, retry: String?)
        /// Decide again after this many seconds (a retry waits for its pause).
        case wait(seconds: Double)
        /// Merge the agents' branches (git work, done by the engine).
        case merge
    }

    let input: Input

    /// What to do now. At most one transition, and it comes last.
    func decide() -> [Action] {
        let view = input.view
        switch input.phase {
        case .idle, .done, .blocked:
            return []
        case .planning:
            if !input.run("architect").state.isActive && architectFinished() {
                return [go(.awaitingApproval, "the architect's design is ready")]
            }
            return ensureRunning(["architect"])
        case .awaitingApproval:
            if Gates.hasOpenTasks("architect", view) { return [go(.planning, "the plan was sent back to the architect")] }
            if input.approved { return [go(.implementation, "the plan was approved")] }
            return input.autoApprove ? [.approvePlan(note: "(Approved automatically by the demo.)")] : []
        case .implementation:
            return finishOrRun("builder", next: .validation, "the builder's tasks are done")
        case .validation:
            let result = Gates.validation(input.verdicts)
            let validators = Phase.validation.roles
            if result.complete && !validators.contains(where: { input.run($0).state.isActive }) {
                return [result.passed ? go(.documentation, "tester, reviewer and security all passed") : validationFailed(result)]
            }
            return ensureRunning(validators.filter { !ownWorkDone($0) })
        case .documentation:
            return finishOrRun("docwriter", next: .merge, "the docwriter's tasks are done")
        case .merge:
            return [.merge]
        }
    }

    private func go(_ phase: Phase, _ reason: String) -> Action { .transition(Transition(to: phase, reason: reason)) }

    private func finishOrRun(_ role: String, next: Phase, _ reason: String) -> [Action] {
        if !input.run(role).state.isActive && Gates.tasksDone(role, input.view) { return [go(next, reason)] }
        return ensureRunning([role])
    }

    private func architectFinished() -> Bool {
        let run = input.run("architect")
        if Gates.tasksDone("architect", input.view) { return true }
        return run.state == .exited && run.phase == .planning && Gates.hasDesign(input.view) && !Gates.hasOpenTasks("architect", input.view)
    }

    /// Has the role done its part of the current phase?
    func ownWorkDone(_ role: String) -> Bool {
        switch role {
        case "tester", "reviewer", "security":
            return VerdictLedger.kind(for: role).map { Gates.decided.contains(input.verdicts.standing($0)) } ?? false
        case "architect": return architectFinished()
        default: return Gates.tasksDone(role, input.view)
        }
    }

    /// Starts each role that is not running; a role whose run in this phase ended without
    /// finishing its work is retried within its budget, then the pipeline blocks.
    func ensureRunning(_ roles: [String]) -> [Action] {
        var starts: [Action] = []
        for role in roles {
            let run = input.run(role)
            if run.state.isActive || input.overBudget || input.rolesOverBudget.contains(role) { continue }
            // A human killed it: it stays down until `factory spawn`.
            if run.state == .killed && run.phase == input.phase { continue }
            var retry: String?
            if run.phase == input.phase && run.state != .notStarted {
                // A program that cannot be started will not start on a retry either.
                if run.pid == nil, let problem = run.problem { return [go(.blocked, "\(role): \(problem)")] }
                let budget = input.retries[role] ?? RoleDefinition.defaultRetries
                let last = run.state.rawValue + (run.exitCode.map { " with status \($0)" } ?? "")
                if run.attempts > budget {
                    let times = run.attempts == 1 ? "1 attempt" : "\(run.attempts) attempts"
                    return [go(.blocked, "\(role) did not finish its work in \(times) (last: \(last); \(Self.finishing(role)))")]
                }
                // An agent that fails at once (a rate limit, a bad key) would spend its whole
                // budget in a second: each retry waits longer first.
                let pause = Self.retryPause(after: run.attempts) - (input.now - (run.endedAt ?? -.infinity))
                if pause > 0 { starts.append(.wait(seconds: pause)); continue }
                retry = "\(role) \(last) without finishing; retrying (\(run.attempts)/\(budget + 1))"
            }
            starts.append(.start(role: role, retry: retry))
        }
        return starts
    }

    /// Seconds between a failed run and the next attempt: 1, 2, 4… at most 30.
    static func retryPause(after attempts: Int) -> Double {
        min(30, Double(1 << min(max(0, attempts - 1), 5)))
    }

    /// What finishing means for a role, for the reason a pipeline blocks.
    static func finishing(_ role: String) -> String {
        switch role {
        case "architect": return "finishing means its tasks done or a ## Design: section written"
        case "tester", "reviewer", "security": return "finishing means its verdict given with factory verdict"
        default: return "finishing means its tasks done"
        }
    }

    private func validationFailed(_ result: Gates.ValidationResult) -> Action {
        let round = input.validationFailures + 1
        let findings = result.failures.map { "\($0.kind.rawValue): \($0.verdict.replacingOccurrences(of: "_", with: " "))" }.joined(separator: ", ")
        if round > input.validationRetries {
            return .transition(Transition(to: .blocked, reason: "validation failed \(round) times (\(findings))", validationRound: round, veto: result.veto))
        }
        let veto = result.veto ? " Security's critical block is a veto." : ""
        let sendBack: [PlanEdit] = [
            .appendMessage(from: "Orchestrator", to: ["Builder"], body: "Validation round \(round) failed: \(findings).\(veto) Read the findings in the verdict sections and fix them.", time: input.minute),
            .addTask(TaskDraft(agent: "builder", status: "pending", priority: "P0", description: "Fix validation findings (round \(round)): \(findings)")),
        ]
        return .transition(Transition(to: .implementation, reason: "validation failed: \(findings)", extra: sendBack, validationRound: round, veto: result.veto))
    }

    /// Everything a transition writes to PLAN.md, as one batch: `extra`, the entry tasks of
    /// the new phase, a change-log row and the Status field.
    static func edits(from: Phase, _ t: Transition, view: PlanView, feature: String, day: String) -> [PlanEdit] {
        t.extra + entryEdits(t.to, view: view, feature: feature) + [
            .appendChangeLog(date: day, change: "Phase \(from.rawValue) → \(t.to.rawValue): \(t.reason)", by: "Orchestrator"),
            .setField(name: "Status", value: statusText(t.to)),
        ]
    }

    /// The PLAN.md side of entering a phase. A phase whose role has no open task gets one:
    /// tasks done for an earlier feature must not open this feature's gate.
    static func entryEdits(_ phase: Phase, view: PlanView, feature: String) -> [PlanEdit] {
        func task(_ role: String, _ priority: String, _ what: String) -> [PlanEdit] {
            Gates.hasOpenTasks(role, view) ? [] : [.addTask(TaskDraft(agent: role, status: "pending", priority: priority, description: "\(what): \(feature)"))]
        }
        switch phase {
        case .planning: return task("architect", "P0", "Design")
        case .implementation: return task("builder", "P0", "Implement")
        case .documentation: return task("docwriter", "P1", "Document")
        case .validation:
            // A new validation round: this feature's verdict sections, undecided — created at
            // the end if missing, so they are the last of their kind, the ones the gate
            // reads. Earlier features' verdicts stay as they were written: the record.
            return VerdictKind.allCases.map { .recordVerdict(kind: $0, subject: feature, verdict: "undecided") }
        default: return []
        }
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
