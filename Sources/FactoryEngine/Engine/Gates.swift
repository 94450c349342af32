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

    /// The checkpoint item the human ticks by approving.
    public static let approvalItem = "Human approved the plan"

    public static func approved(_ plan: PlanView) -> Bool {
        plan.checkpoints.flatMap(\.items).contains { $0.done && $0.text.lowercased().contains("approved the plan") }
    }

    public struct ValidationResult: Equatable, Sendable {
        /// Every kind has a decided verdict.
        public var complete: Bool
        public var failures: [Verdict]
        /// Security's critical block: a veto no other verdict outweighs.
        public var veto: Bool
        public var passed: Bool { complete && failures.isEmpty }
    }

    static let failing: Set<String> = ["changes_requested", "needs_fixes", "critical_block"]
    static let decided: Set<String> = ["approved", "changes_requested", "secure", "issues_found", "critical_block", "pass", "needs_fixes"]

    /// The last verdict of each kind decides.
    public static func validation(_ plan: PlanView) -> ValidationResult {
        var latest: [VerdictKind: Verdict] = [:]
        for v in plan.verdicts { latest[v.kind] = v }
        let complete = VerdictKind.allCases.allSatisfy { latest[$0].map { decided.contains($0.verdict) } ?? false }
        let failures = VerdictKind.allCases.compactMap { latest[$0] }.filter { failing.contains($0.verdict) }
        return ValidationResult(complete: complete, failures: failures, veto: latest[.security]?.verdict == "critical_block")
    }
}
