@testable import Dashboard
@testable import FactoryEngine
import XCTest

/// An agent that runs outside a sandbox is marked on its row; a confined one is not.
final class SandboxRenderTests: XCTestCase {
    func testAnUnconfinedAgentIsMarkedOnTheAgentsPane() {
        var snap = Fixture.snapshot()
        snap.agents[snap.agents.firstIndex { $0.role == "builder" }!].sandbox = .off
        snap.agents[snap.agents.firstIndex { $0.role == "tester" }!].sandbox = .unavailable
        var canvas = Canvas(width: 60, height: 8)
        AgentsPane.draw(snap, UIState(), focused: false, in: Rect(x: 0, y: 0, width: 60, height: 8), on: &canvas)
        let rows = Dictionary(uniqueKeysWithValues: canvas.lines.dropFirst().prefix(6).map { (String($0.dropFirst().prefix(10)).trimmingCharacters(in: .whitespaces), $0) })
        XCTAssertTrue(rows["builder"]?.contains("unconfined") ?? false, "\(canvas.lines)")
        XCTAssertTrue(rows["tester"]?.contains("unconfined") ?? false, "\(canvas.lines)")
        XCTAssertFalse(rows["architect"]?.contains("unconfined") ?? true, "\(canvas.lines)")
    }
}
