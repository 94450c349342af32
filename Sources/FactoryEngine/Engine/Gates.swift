import PlanDocument

/// The gates between phases, read from PLAN.md — never from clocks.
public enum Gates {
    /// The role's tasks, by the Agent column (case-insensitive).
    public static func tasks(of role: String, in plan: PlanView) -> [PlanTask] {
        plan.tasks.filter { $0.agent.lowercased() == role }
    }

    public static func counts(of role: String, in plan: PlanView) -> TaskCounts {
        let mine = tasks(of: role, in: plan)
        return TaskCounts(done: mine.filter { $0.status == .done }.count, total: mine.count)
    }

    /// The role has tasks and every one is done.
    public static func tasksDone(_ role: String, _ plan: PlanView) -> Bool {
        let c = counts(of: role, in: plan)
        return c.total > 0 && c.done == c.total
    }

    public static func hasOpenTasks(_ role: String, _ plan: PlanView) -> Bool {
        let c = counts(of: role, in: plan)
        return c.done < c.total
    }

    /// The architect wrote a `## Design: …` section.
    public static func hasDesign(_ plan: PlanView) -> Bool {
        plan.sections.contains { $0.lowercased().hasPrefix("design") }
    }

    /// The checkpoint item that shows the human's approval. The engine ticks it when the
    /// human approves; a tick anyone else writes is put back (`PlanGuard`).
    public static let approvalItem = "Human approved the plan"

    /// PLAN.md's approval box is ticked (whoever ticked it).
    public static func approvalTicked(_ plan: PlanView) -> Bool {
        plan.checkpoints.flatMap(\.items).contains { $0.done && $0.text.lowercased().contains("approved the plan") }
    }

    public struct ValidationResult: Equatable, Sendable {
        /// Every kind has a decided verdict.
        public var complete: Bool
        public var failures: [Failure]
        /// Security's critical block: a veto no other verdict outweighs.
        public var veto: Bool
        public var passed: Bool { complete && failures.isEmpty }

        public struct Failure: Equatable, Sendable {
            public var kind: VerdictKind
            public var verdict: String
        }
    }

    static let failing: Set<String> = ["changes_requested", "needs_fixes", "critical_block"]
    static let decided: Set<String> = ["approved", "changes_requested", "secure", "issues_found", "critical_block", "pass", "needs_fixes"]

    /// The round's verdicts as the engine recorded them from their roles: PLAN.md's verdict
    /// lines are only their mirror. A critical block the human overrode fails nothing.
    public static func validation(_ ledger: VerdictLedger) -> ValidationResult {
        let complete = VerdictKind.allCases.allSatisfy { decided.contains(ledger.standing($0)) }
        let failures = VerdictKind.allCases.compactMap { kind -> ValidationResult.Failure? in
            guard let v = ledger[kind], failing.contains(v.verdict), v.overriddenBecause == nil else { return nil }
            return ValidationResult.Failure(kind: kind, verdict: v.verdict)
        }
        return ValidationResult(complete: complete, failures: failures, veto: ledger.veto)
    }
}
