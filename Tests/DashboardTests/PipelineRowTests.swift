@testable import Dashboard
@testable import FactoryEngine
import PlanDocument
import TextWidth
import XCTest

/// The pipeline row and the agents' ages, compared as whole rows of an in-memory canvas.
final class PipelineRowTests: XCTestCase {
    func snapshot(_ phase: Phase, blockedPhase: Phase? = nil, reason: String? = nil, conflicts: [String] = [],
                  agents: [AgentSnapshot] = [], time: Double = 0) -> Snapshot {
        Snapshot(phase: phase, feature: "Add a greeting", agents: agents, attention: [], tasks: TaskCounts(done: 0, total: 0),
                 blockedReason: reason, blockedPhase: blockedPhase, conflicts: conflicts,
                 plan: PlanDocument(PlanTemplate.text()).view, time: time)
    }

    /// The pipeline pane's one line of content, 160 columns wide.
    func row(_ snap: Snapshot) -> String {
        var canvas = Canvas(width: 160, height: 3)
        PipelinePane.draw(snap, in: Rect(x: 0, y: 0, width: 160, height: 3), on: &canvas)
        return canvas.lines[1]
    }

    func expected(_ marks: String, _ gate: String) -> String {
        let body = "│ " + marks + "  " + gate + "  Add a greeting"
        return body + String(repeating: " ", count: 159 - TextWidth.columns(of: body)) + "│"
    }

    func testABlockedPipelineMarksThePhaseThatBlocked() {
        XCTAssertEqual(row(snapshot(.blocked, blockedPhase: .planning, reason: "architect did not finish")),
                       expected("✗ plan ─ ○ approve ─ ○ build ─ ○ validate ─ ○ docs ─ ○ merge ─ ○ done", "blocked [u] resume: architect did not finish"))
        XCTAssertEqual(row(snapshot(.blocked, blockedPhase: .merge, reason: "agent/builder is missing")),
                       expected("✓ plan ─ ✓ approve ─ ✓ build ─ ✓ validate ─ ✓ docs ─ ✗ merge ─ ○ done", "blocked [u] resume: agent/builder is missing"))
        XCTAssertEqual(row(snapshot(.blocked, blockedPhase: .validation, reason: "validation failed 3 times")),
                       expected("✓ plan ─ ✓ approve ─ ✓ build ─ ✗ validate ─ ○ docs ─ ○ merge ─ ○ done", "blocked [u] resume: validation failed 3 times"))
    }

    func testARunningPipelineMarksItsCurrentPhase() {
        XCTAssertEqual(row(snapshot(.validation)),
                       expected("✓ plan ─ ✓ approve ─ ✓ build ─ ● validate ─ ○ docs ─ ○ merge ─ ○ done", "waiting for tester, reviewer and security"))
    }

    func agent(_ state: AgentState, lastActivity: Int?) -> AgentSnapshot {
        let worktree = WorktreeSummary(path: "worktrees/builder", health: .ok, problem: nil, branch: "agent/builder", head: "abc1234",
                                       subject: "x", dirty: 0, ahead: 0, behind: 0, lastActivity: lastActivity)
        return AgentSnapshot(role: "builder", state: state, pid: nil, exitCode: nil, startedAt: nil, attempts: 1,
                             tasks: TaskCounts(done: 1, total: 1), worktree: worktree, external: [])
    }

    /// Ages are shown as coarse as they are old, so an idle dashboard needs a frame only when
    /// a shown age changes: once a minute, or an hour later on.
    func testLastActivityKeepsAgeingWithNoAgentRunning() {
        let now = 1_000_000.0
        XCTAssertEqual(AgentsPane.age(Int(now) - 30, now: now), "<1m ago")
        XCTAssertEqual(AgentsPane.age(Int(now) - 150, now: now), "2m ago")
        XCTAssertEqual(AgentsPane.age(Int(now) - 7300, now: now), "2h ago")
        XCTAssertEqual(AgentsPane.age(Int(now) - 3 * 86400, now: now), "3d ago")

        let recent = snapshot(.done, agents: [agent(.exited, lastActivity: Int(now) - 30)], time: now)
        XCTAssertEqual(AgentsPane.secondsUntilChange(recent), 30, "<1m becomes 1m at 60 s")
        let minutes = snapshot(.done, agents: [agent(.exited, lastActivity: Int(now) - 150)], time: now)
        XCTAssertEqual(AgentsPane.secondsUntilChange(minutes), 30, "2m becomes 3m at 180 s")
        let hours = snapshot(.done, agents: [agent(.exited, lastActivity: Int(now) - 7300)], time: now)
        XCTAssertEqual(AgentsPane.secondsUntilChange(hours), 10800 - 7300)
        let running = snapshot(.implementation, agents: [agent(.running, lastActivity: Int(now) - 7300)], time: now)
        XCTAssertEqual(AgentsPane.secondsUntilChange(running), 1, "a runtime moves every second")
        XCTAssertNil(AgentsPane.secondsUntilChange(snapshot(.idle, time: now)), "nothing ages: no timer")
    }

    /// A protocol agent's current step ends its row where the pane has room, and is cut at
    /// the pane's edge where it has little.
    func testTheCurrentStepEndsTheAgentsRow() {
        var working = agent(.working, lastActivity: 1_000_000)
        working.activity = "Bash: swift test"
        func agentRow(width: Int) -> String {
            var canvas = Canvas(width: width, height: 3)
            AgentsPane.draw(snapshot(.implementation, agents: [working], time: 1_000_000), UIState(), focused: false,
                            in: Rect(x: 0, y: 0, width: width, height: 3), on: &canvas)
            return canvas.lines[1]
        }
        let wide = agentRow(width: 100)
        let content = "│builder   working     -      1/1   ·    ↑0 ↓0    <1m ago   Bash: swift test"
        XCTAssertEqual(wide, content + String(repeating: " ", count: 99 - TextWidth.columns(of: content)) + "│")
        let narrow = agentRow(width: 70)
        XCTAssertEqual(TextWidth.columns(of: narrow), 70, "nothing drawn past the edge")
        XCTAssertTrue(narrow.hasSuffix("│"), narrow)
    }
}
