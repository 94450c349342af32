@testable import FactoryEngine
import Foundation
import PlanDocument
import XCTest

/// An engine that takes over driving from one that stopped takes the running agents' copies
/// of PLAN.md from then on — while they run, not only when they end.
final class PlanCopyTakeOverTests: XCTestCase {
    func testAnEngineThatTakesOverTakesTheRunningAgentsWrites() throws {
        let hostile = try HostileFactory(["architect": """
            while [ ! -e "$FACTORY_RUN_DIR/home/go" ]; do sleep 0.05; done
            factory say --from architect --to builder "Written after the take-over" >>"$SAID" 2>&1
            sleep 30
            """])
        defer { hostile.remove() }
        let first = try hostile.engine()
        try first.start(feature: "Take over")
        first.drive()
        XCTAssertNotNil(waitFor(first, timeout: 30) { $0.agents.contains { $0.role == "architect" && $0.state.isActive } })
        first.shutdown()

        var options = EngineOptions()
        options.driving = false
        options.factoryPath = SimFactory.factoryBinary
        let second = try Engine(paths: hostile.paths, options: options)
        defer { second.shutdown() }
        second.drive()
        let took = DispatchSemaphore(value: 0)
        second.takeOverWhenFree { _ in took.signal() }
        XCTAssertEqual(took.wait(timeout: .now() + 10), .success, "nobody holds the lock: it drives at once")
        try Data().write(to: URL(fileURLWithPath: hostile.paths.run("architect").path + "/home/go"))
        let said = waitFor(second, timeout: 20) { $0.plan.messages.contains { $0.body.contains("Written after the take-over") } }
        XCTAssertNotNil(said, hostile.said("architect"))
        XCTAssertEqual(said?.agents.first { $0.role == "architect" }?.state.isActive, true, "taken while the agent still runs")
    }
}
