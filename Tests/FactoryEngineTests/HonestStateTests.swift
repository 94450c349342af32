@testable import FactoryEngine
import Foundation
import PlanDocument
import XCTest

/// The states the engine reports are true: the phase that blocked, gates that fail when a
/// step fails, a history of this feature only.
final class HonestStateTests: XCTestCase {
    func testABlockRecordsThePhaseThatBlocked() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let engine = try factory.engine(environment: ["FACTORY_SIM_SCENARIO": "conflict"])
        defer { engine.shutdown() }
        try engine.start(feature: "Conflict")
        engine.drive()
        let blocked = waitFor(engine) { $0.phase == .blocked }
        XCTAssertEqual(blocked?.blockedPhase, .merge)
        let json = String(decoding: try JSONEncoder().encode(try XCTUnwrap(blocked)), as: UTF8.self)
        XCTAssertTrue(json.contains("\"blockedPhase\":\"merge\""), json)
        XCTAssertEqual(StateStore(path: factory.paths.state).load()?.blockedPhase, .merge, "it survives a restart")
    }

    func testACrashInImplementationBlocksThere() throws {
        let factory = try SimFactory(overrides: ["builder": "retries: 0"])
        defer { factory.remove() }
        let engine = try factory.engine(environment: ["FACTORY_SIM_FAULT": "builder:crash"])
        defer { engine.shutdown() }
        try engine.start(feature: "Crash")
        engine.drive()
        XCTAssertEqual(waitFor(engine) { $0.phase == .blocked }?.blockedPhase, .implementation)
    }

    /// The builder's branch renamed while the plan waits for approval: the builder works on
    /// the renamed branch, so there is nothing on agent/builder to validate or merge. The
    /// pipeline must block naming the branch, and main must not move.
    func testARenamedBuilderBranchBlocksThePipeline() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let engine = try factory.engine(autoApprove: false)
        defer { engine.shutdown() }
        try engine.start(feature: "Rename")
        engine.drive()
        _ = waitFor(engine) { $0.phase == .awaitingApproval && !$0.agents.contains { $0.state.isActive } }
        let mainBefore = try factory.repo.git("rev-parse", "main")
        try factory.repo.git("branch", "-m", "agent/builder", "agent/builder-renamed")
        try engine.approve()
        let end = waitFor(engine) { $0.phase == .blocked || $0.phase == .done }
        XCTAssertEqual(end?.phase, .blocked, "nothing reaches done on a failed step")
        XCTAssertTrue(end?.blockedReason?.contains("agent/builder") ?? false, "\(String(describing: end?.blockedReason))")
        XCTAssertTrue(end?.attention.contains { $0.kind == .blocked && $0.message.contains("agent/builder") } ?? false)
        XCTAssertEqual(try factory.repo.git("rev-parse", "main"), mainBefore, "main untouched")
    }

    /// HISTORY.md is committed together with the merge: if it cannot be, main does not move
    /// and the pipeline blocks with the cause.
    func testAHistoryThatCannotBeWrittenBlocksTheMerge() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let history = factory.paths.history
        try FileManager.default.removeItem(atPath: history)
        try FileManager.default.createDirectory(atPath: history + "/in-the-way", withIntermediateDirectories: true)
        let mainBefore = try factory.repo.git("rev-parse", "main")
        let engine = try factory.engine()
        defer { engine.shutdown() }
        try engine.start(feature: "History")
        engine.drive()
        let end = waitFor(engine) { $0.phase == .blocked || $0.phase == .done }
        XCTAssertEqual(end?.phase, .blocked, "nothing reaches done on a failed step")
        XCTAssertEqual(end?.blockedPhase, .merge)
        XCTAssertTrue(end?.blockedReason?.contains("HISTORY.md") ?? false, "\(String(describing: end?.blockedReason))")
        XCTAssertEqual(try factory.repo.git("rev-parse", "main"), mainBefore, "main untouched")
    }

    func testHistoryListsOnlyTheCurrentFeaturesTasks() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let engine = try factory.engine()
        defer { engine.shutdown() }
        try engine.start(feature: "First")
        engine.drive()
        _ = waitFor(engine) { $0.phase == .done }
        try engine.start(feature: "Second")
        _ = waitFor(engine) { $0.phase == .done && $0.feature == "Second" }
        let history = try XCTUnwrap(factory.repo.read(".agent-comms/HISTORY.md"))
        let entries = history.components(separatedBy: "\n## ")
        let first = try XCTUnwrap(entries.first { $0.contains("— First") })
        let second = try XCTUnwrap(entries.first { $0.contains("— Second") })
        XCTAssertTrue(first.contains("Implement: First"), first)
        XCTAssertTrue(second.contains("Implement: Second"), second)
        XCTAssertFalse(second.contains("Implement: First"), "an earlier feature's task is not this one's change:\n\(second)")
        XCTAssertEqual(try factory.repo.git("status", "--porcelain", "--", ".agent-comms/HISTORY.md"), "", "committed")
    }
}

/// A process in a worktree that ends without touching a file is seen to end.
final class ExternalProcessTests: XCTestCase {
    func testAnExternalProcessThatEndsIsNoLongerShown() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let engine = try factory.engine()
        defer { engine.shutdown() }
        engine.drive()
        let worktree = factory.paths.worktree("builder")
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["2"]
        sleeper.currentDirectoryURL = URL(fileURLWithPath: worktree)
        try sleeper.run()
        FileManager.default.createFile(atPath: worktree + "/touched.txt", contents: Data("x".utf8))
        XCTAssertNotNil(waitFor(engine, timeout: 10) { $0.agents.first { $0.role == "builder" }?.external.isEmpty == false }, "seen while it runs")
        sleeper.waitUntilExit()
        XCTAssertNotNil(waitFor(engine, timeout: 10) { $0.agents.first { $0.role == "builder" }?.external.isEmpty == true },
                        "gone once it ended, with no file touched since")
    }
}
