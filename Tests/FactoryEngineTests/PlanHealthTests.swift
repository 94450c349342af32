@testable import FactoryEngine
import Foundation
import PlanDocument
import XCTest

/// A PLAN.md that is gone, not a file, empty, cut short or not writable is reported as
/// itself — on screen and in `factory status` — and never written over.
final class PlanHealthTests: XCTestCase {
    static func attention(_ snap: Snapshot?) -> String {
        snap?.attention.filter { $0.kind == .plan }.map(\.message).joined(separator: "; ") ?? ""
    }

    func testAPlanThatBreaksWhileAFeatureRunsIsReportedAndLeftAlone() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let engine = try factory.engine(environment: ["FACTORY_SIM_FAULT": "builder:idle"])
        defer { engine.shutdown() }
        try engine.start(feature: "Fragile")
        engine.drive()
        _ = waitFor(engine) { $0.phase == .implementation && $0.agents.contains { $0.role == "builder" && $0.state == .running } }
        let plan = factory.paths.plan
        let good = try Data(contentsOf: URL(fileURLWithPath: plan))

        try FileManager.default.removeItem(atPath: plan)
        let missing = waitFor(engine) { Self.attention($0).contains("No such file") }
        XCTAssertEqual(Self.attention(missing), "cannot read .agent-comms/PLAN.md: No such file or directory")
        XCTAssertFalse(FileManager.default.fileExists(atPath: plan), "not recreated")
        try FileManager.default.createDirectory(atPath: plan, withIntermediateDirectories: false)
        let notAFile = waitFor(engine) { Self.attention($0).contains("not a regular file") }
        XCTAssertEqual(notAFile?.attention.first?.kind, .plan, "the most urgent item")
        try FileManager.default.removeItem(atPath: plan)

        FileManager.default.createFile(atPath: plan, contents: Data())
        let empty = waitFor(engine) { Self.attention($0).contains("empty") }
        XCTAssertNotNil(empty)

        // Cut short: the header survives, the task table and checkpoints are gone.
        let text = String(decoding: good, as: UTF8.self)
        let header = String(text.prefix { $0 != "|" })
        try header.write(toFile: plan, atomically: false, encoding: .utf8)
        let truncated = waitFor(engine) { Self.attention($0).contains("no task table") }
        XCTAssertNotNil(truncated, "a plan that lost its task table")

        // A step happens (the worktree changes), and the engine writes nothing over it.
        try "x\n".write(toFile: factory.paths.worktree("builder") + "/touch.txt", atomically: true, encoding: .utf8)
        _ = waitFor(engine) { $0.agents.contains { $0.role == "builder" && ($0.worktree?.dirty ?? 0) > 0 } }
        XCTAssertEqual(try String(contentsOfFile: plan, encoding: .utf8), header, "nothing written over a broken plan")

        try good.write(to: URL(fileURLWithPath: plan))
        let healed = waitFor(engine) { !$0.attention.contains { $0.kind == .plan } }
        XCTAssertEqual(healed?.phase, .implementation)
    }

    func testStatusOfAFactoryWhosePlanIsADirectory() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        try FileManager.default.removeItem(atPath: factory.paths.plan)
        try FileManager.default.createDirectory(atPath: factory.paths.plan, withIntermediateDirectories: false)
        var options = EngineOptions()
        options.driving = false
        let engine = try Engine(paths: factory.paths, options: options)
        let snap = engine.snapshot()
        XCTAssertTrue(Self.attention(snap).contains("not a regular file"), Self.attention(snap))
        var isDirectory: ObjCBool = false
        XCTAssertTrue(FileManager.default.fileExists(atPath: factory.paths.plan, isDirectory: &isDirectory) && isDirectory.boolValue)
    }

    /// Root can write any file, so an immutable file (chattr +i) stands in for one that
    /// cannot be written.
    func testAPlanThatCannotBeWrittenIsReportedAsSuch() throws {
        let factory = try SimFactory(overrides: ["builder": "retries: 0"])
        defer { factory.remove() }
        let engine = try factory.engine(environment: ["FACTORY_SIM_FAULT": "builder:crash"])
        defer { engine.shutdown() }
        try engine.start(feature: "Locked")
        engine.drive()
        _ = waitFor(engine) { $0.phase == .blocked }
        try Immutable.set(factory.paths.plan)
        defer { Immutable.clear(factory.paths.plan) }
        XCTAssertThrowsError(try engine.resume()) { error in
            XCTAssertTrue("\(error)".contains("cannot write .agent-comms/PLAN.md"), "\(error)")
            XCTAssertTrue("\(error)".contains("Operation not permitted"), "\(error)")
        }
        XCTAssertEqual(engine.snapshot().phase, .blocked, "nothing half done")
    }

    /// The human's commands say why PLAN.md could not be written, and change nothing.
    func testApprovingAndMessagingAnUnwritablePlanSayWhy() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let engine = try factory.engine(autoApprove: false)
        defer { engine.shutdown() }
        try engine.start(feature: "Locked gate")
        engine.drive()
        XCTAssertNotNil(waitFor(engine) { $0.phase == .awaitingApproval })
        try Immutable.set(factory.paths.plan)
        defer { Immutable.clear(factory.paths.plan) }
        for command in [EngineCommand.approve(note: nil), .tell(role: "architect", text: "hello"), .reject(reason: "no")] {
            XCTAssertThrowsError(try engine.perform(command)) { error in
                XCTAssertTrue("\(error)".hasPrefix("cannot write .agent-comms/PLAN.md"), "\(command.name): \(error)")
            }
        }
        XCTAssertEqual(engine.snapshot().phase, .awaitingApproval, "nothing moved")
    }

    /// An approval that failed on a garbled PLAN.md is reported; once a human puts the file
    /// right, the report goes, and the approval goes through.
    func testAFailedWriteIsNoLongerReportedOnceThePlanIsPutRight() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let engine = try factory.engine(autoApprove: false)
        defer { engine.shutdown() }
        try engine.start(feature: "Put right")
        engine.drive()
        XCTAssertNotNil(waitFor(engine) { $0.phase == .awaitingApproval })
        let good = try Data(contentsOf: URL(fileURLWithPath: factory.paths.plan))
        try Data("# Not a plan any more\n".utf8).write(to: URL(fileURLWithPath: factory.paths.plan))
        XCTAssertThrowsError(try engine.perform(.approve(note: nil)))
        // The approval fails writing, or (on a slow machine) the engine has read the garbage
        // first and refuses it as unreadable: either way PLAN.md is reported.
        XCTAssertNotNil(waitFor(engine) { Self.attention($0).contains("PLAN.md") })
        try good.write(to: URL(fileURLWithPath: factory.paths.plan), options: .atomic)
        XCTAssertNotNil(waitFor(engine) { !Self.attention($0).contains("PLAN.md") }, Self.attention(engine.snapshot()))
        _ = try engine.perform(.approve(note: nil))
        XCTAssertNotNil(waitFor(engine) { $0.phase != .awaitingApproval })
    }
}

/// `chattr +i`: a file not even root can replace.
enum Immutable {
    static func set(_ path: String) throws {
        let result = ProcessRunner.run(["chattr", "+i", path])
        if !result.succeeded { throw XCTSkip("chattr +i is not available here: \(result.firstErrorLine)") }
    }

    static func clear(_ path: String) { _ = ProcessRunner.run(["chattr", "-i", path]) }
}
