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

    /// The builder finishes its work while no engine runs. The next engine takes what it
    /// wrote in its copy before deciding anything: no retry, the pipeline goes on.
    func testWorkFinishedWhileNoEngineRanIsTakenNotRedone() throws {
        let hostile = try HostileFactory(["builder": """
            while [ ! -e "$FACTORY_RUN_DIR/home/go" ]; do sleep 0.05; done
            \(simWork("builder"))
            """])
        defer { hostile.remove() }
        let first = try hostile.engine(autoApprove: true)
        try first.start(feature: "Away")
        first.drive()
        XCTAssertNotNil(waitFor(first, timeout: 30) { $0.agents.contains { $0.role == "builder" && $0.state.isActive } })
        first.shutdown()
        try Data().write(to: URL(fileURLWithPath: hostile.paths.run("builder").path + "/home/go"))
        let exitRecord = hostile.paths.run("builder").exit
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: exitRecord) && Date() < deadline { usleep(50_000) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: exitRecord), "the builder ended while no engine ran")

        let second = try hostile.engine(autoApprove: true)
        defer { second.shutdown() }
        second.drive()
        XCTAssertNotNil(waitFor(second, timeout: 30) { $0.phase == .validation || $0.phase == .documentation || $0.phase == .done })
        XCTAssertFalse(hostile.events.contains("builder exited with status 0 without finishing"), hostile.events)
    }

    /// Security gives its verdict while no engine runs. Confined, it cannot record it itself:
    /// its `factory verdict` waits for the next engine, which takes it as security's.
    func testAVerdictGivenWhileNoEngineRunsWaitsForTheNext() throws {
        let hostile = try HostileFactory(["security": """
            while [ ! -e "$FACTORY_RUN_DIR/home/go" ]; do sleep 0.05; done
            factory verdict security secure >>"$SAID" 2>&1
            """])
        defer { hostile.remove() }
        let first = try hostile.engine(autoApprove: true)
        try first.start(feature: "Patient")
        first.drive()
        XCTAssertNotNil(waitFor(first, timeout: 60) { $0.phase == .validation && $0.agents.contains { $0.role == "security" && $0.state.isActive } })
        first.shutdown()
        try Data().write(to: URL(fileURLWithPath: hostile.paths.run("security").path + "/home/go"))
        let deadline = Date().addingTimeInterval(10)
        while !hostile.said("security").contains("waiting for one") && Date() < deadline { usleep(50_000) }

        let second = try hostile.engine(autoApprove: true)
        defer { second.shutdown() }
        second.drive()
        XCTAssertNotNil(waitFor(second, timeout: 60) { $0.phase == .done }, hostile.said("security"))
        XCTAssertTrue(hostile.said("security").contains("security verdict recorded: secure"), hostile.said("security"))
    }
}
