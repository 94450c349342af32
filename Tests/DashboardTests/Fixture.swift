@testable import Dashboard
import FactoryEngine
import PlanDocument

/// Snapshots and messages the render tests draw.
enum Fixture {
    static func snapshot(messages: [PlanMessage] = [], phase: Phase = .awaitingApproval) -> Snapshot {
        var plan = PlanDocument(PlanTemplate.text()).view
        plan.messages = messages
        let agents = Role.all.map {
            AgentSnapshot(role: $0, state: $0 == "builder" ? .running : .notStarted, pid: nil, exitCode: nil, startedAt: nil,
                          attempts: 0, tasks: TaskCounts(done: 0, total: 0), worktree: nil, external: [])
        }
        return Snapshot(phase: phase, feature: "Add a greeting", agents: agents,
                        attention: [Attention(kind: .approval, role: "architect", message: "the plan awaits approval")],
                        tasks: TaskCounts(done: 0, total: 0), blockedReason: nil, conflicts: [], plan: plan, time: 0)
    }

    static func message(_ body: String, from: String = "Builder", line: Int = 1) -> PlanMessage {
        PlanMessage(from: from, to: ["Architect"], time: "10:25", body: body, line: line)
    }

    /// A PLAN.md view with one task table, a pending builder task per ID.
    static func plan(tasks ids: [String]) -> PlanView {
        PlanDocument("# Plan\n\n## Tasks\n\n| ID | Agent | Status | Description |\n|----|-------|--------|-------------|\n"
            + ids.map { "| \($0) | builder | pending | task \($0) |\n" }.joined()).view
    }
}
