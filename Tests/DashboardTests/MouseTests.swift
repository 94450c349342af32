@testable import Dashboard
import FactoryEngine
import PlanDocument
import XCTest

/// A press focuses the pane under it and selects the row there.
final class MouseTests: XCTestCase {
    func testAPressSelectsTheAgentOrTaskUnderIt() {
        var snap = Fixture.snapshot()
        snap.plan = Fixture.plan(tasks: ["T1", "T2", "T3"])
        let layout = Layout.make(width: 120, height: 40, focus: .agents)
        var ui = UIState()
        ui.focus = .messages
        ui.press(x: layout.agents.x + 3, y: layout.agents.inner.y + 2, in: layout, snap)
        XCTAssertEqual(ui.focus, .agents)
        XCTAssertEqual(snap.agents[ui.selectedAgent].role, "tester")
        ui.press(x: layout.tasks.x + 5, y: layout.tasks.inner.y + 1, in: layout, snap)
        XCTAssertEqual(ui.focus, .tasks)
        XCTAssertEqual(snap.plan.tasks[ui.selectedTask].id, "T2")
        ui.press(x: layout.messages.x + 5, y: layout.messages.y + 5, in: layout, snap)
        XCTAssertEqual(ui.focus, .messages)
        ui.press(x: 5, y: 39, in: layout, snap)
        XCTAssertEqual(ui.focus, .messages, "the status bar is no pane")
        XCTAssertEqual(snap.agents[ui.selectedAgent].role, "tester", "a press below the rows selects nothing")
        ui.press(x: layout.agents.x + 3, y: layout.agents.inner.maxY - 1 + 1, in: layout, snap)
        XCTAssertEqual(snap.agents[ui.selectedAgent].role, "tester")
        ui.detailOpen = true
        XCTAssertEqual(ui.pane(atX: layout.tasks.x + 1, y: layout.tasks.y + 1, in: layout), .detail)
    }
}
