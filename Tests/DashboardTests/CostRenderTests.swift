@testable import Dashboard
@testable import FactoryEngine
import TextWidth
import XCTest

/// Costs on screen: each protocol agent's in the agents pane, the feature's by phase in the
/// pipeline's border (the detail header's are in `DetailRenderTests`).
extension DetailRenderTests {
    /// A protocol agent's cost ends its agents row where it fits whole, shorter where it
    /// almost does, and not at all in a narrow pane.
    func testAnAgentsCostShowsWhereThereIsRoom() {
        func row(width: Int) -> String {
            let snap = snapshot(agents: [agent(state: .working, cost: 0.0123, tokens: (100, 20), step: "Bash: swift test")])
            var canvas = Canvas(width: width, height: 3)
            AgentsPane.draw(snap, UIState(), focused: false, in: Rect(x: 0, y: 0, width: width, height: 3), on: &canvas)
            return canvas.lines[1]
        }
        let columns = "│builder   working     -      1/2   ·    ↑1 ↓0    <1m ago  "
        XCTAssertEqual(row(width: 90), columns + "$0.0123 Bash: swift test" + String(repeating: " ", count: 6) + "│")
        XCTAssertEqual(row(width: 66), columns + "$0.012│", "one column short: three decimals")
        XCTAssertEqual(row(width: 64), columns + "    │", "no room: no cost")
    }

    /// The feature's cost rides in the pipeline's top border: by phase where all fit, else
    /// the total, else nothing.
    func testTheFeaturesCostIsInThePipelinesTopBorder() {
        var snap = snapshot(agents: [])
        snap.spentByPhase = ["implementation": 0.4034, "planning": 0.12, "validation": 0]
        func top(width: Int) -> String {
            var canvas = Canvas(width: width, height: 3)
            PipelinePane.draw(snap, in: Rect(x: 0, y: 0, width: width, height: 3), on: &canvas)
            return canvas.lines[0]
        }
        func edge(_ width: Int, _ cost: String) -> String {
            "┌ factory " + String(repeating: "─", count: width - 12 - TextWidth.columns(of: cost)) + cost + "─┐"
        }
        XCTAssertEqual(top(width: 120), edge(120, " spent $0.5234 (plan $0.1200 · build $0.4034) "))
        XCTAssertEqual(top(width: 44), edge(44, " spent $0.5234 "))
        XCTAssertEqual(top(width: 24), "┌ factory " + String(repeating: "─", count: 13) + "┐")
        snap.spentByPhase = [:]
        XCTAssertEqual(top(width: 120), "┌ factory " + String(repeating: "─", count: 109) + "┐", "nothing spent, nothing said")
    }
}
