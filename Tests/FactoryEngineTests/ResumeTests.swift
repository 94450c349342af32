@testable import FactoryEngine
import Foundation
import PlanDocument
import XCTest

/// `resume()`: a blocked pipeline goes back to the phase that blocked, with that phase's
/// retry budgets afresh, without starting a new feature.
final class ResumeTests: XCTestCase {
    func testNothingToResumeUnlessBlocked() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let engine = try factory.engine()
        defer { engine.shutdown() }
        XCTAssertThrowsError(try engine.resume()) { XCTAssertEqual("\($0)", "nothing is blocked (phase idle)") }
    }

    func testABlockedBuilderIsResumedWhereItBlocked() throws {
        let factory = try SimFactory(overrides: ["builder": "retries: 0"])
        defer { factory.remove() }
        let crashing = try factory.engine(environment: ["FACTORY_SIM_FAULT": "builder:crash"])
        try crashing.start(feature: "Resume me")
        crashing.drive()
        let blocked = waitFor(crashing) { $0.phase == .blocked }
        XCTAssertEqual(blocked?.blockedPhase, .implementation)
        crashing.shutdown()

        // The cause is gone (a human fixed the builder); the next engine resumes.
        let engine = try factory.engine()
        defer { engine.shutdown() }
        engine.drive()
        try engine.resume()
        let resumed = engine.snapshot()
        XCTAssertNotEqual(resumed.phase, .blocked)
        XCTAssertNil(resumed.blockedReason)
        XCTAssertNil(resumed.blockedPhase)
        let done = waitFor(engine) { $0.phase == .done || $0.phase == .blocked }
        XCTAssertEqual(done?.phase, .done, "\(String(describing: done?.blockedReason))")
        XCTAssertEqual(done?.feature, "Resume me", "the same feature")

        let plan = try PlanFile(path: factory.paths.plan).read().view
        XCTAssertEqual(plan.tasks.filter { $0.description.hasPrefix("Design:") }.count, 1, "no second design task")
        XCTAssertTrue(plan.changeLog.contains { $0.change.contains("blocked → implementation") }, "the change log tells it")
        let events = (try? String(contentsOfFile: factory.paths.events, encoding: .utf8)) ?? ""
        XCTAssertEqual(events.components(separatedBy: "\"architect started").count - 1, 1, "planning is not run again")
    }
}
