@testable import FactoryEngine
import Foundation
import PlanDocument
import XCTest

final class EngineTests: XCTestCase {
    func testApprovalWaitsForAHumanAndRejectionReturnsToPlanning() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let engine = try factory.engine(autoApprove: false)
        defer { engine.shutdown() }
        try engine.start(feature: "Add a greeting")
        engine.drive()
        let waiting = waitFor(engine) { $0.phase == .awaitingApproval && !$0.agents.contains { $0.state.isActive } }
        XCTAssertEqual(waiting?.attention.first?.kind, .approval)

        try engine.reject(reason: "Add error handling")
        _ = waitFor(engine) { $0.plan.tasks.contains { $0.description.hasPrefix("Revise the design") && $0.status == .done } && $0.phase == .awaitingApproval }
        let plan = try PlanFile(path: factory.paths.plan).read().view
        XCTAssertTrue(plan.messages.contains { $0.from == "Human" && $0.body == "Plan rejected: Add error handling" })
        XCTAssertTrue(plan.changeLog.contains { $0.change.contains("awaiting_approval → planning") })

        try engine.approve(note: "Go")
        let done = waitFor(engine) { $0.phase == .done }
        XCTAssertNotNil(done)
        XCTAssertThrowsError(try engine.approve(), "nothing awaits approval any more")
    }

    func testACrashingAgentIsRetriedThenBlocks() throws {
        let factory = try SimFactory(overrides: ["builder": "retries: 1"])
        defer { factory.remove() }
        let engine = try factory.engine(environment: ["FACTORY_SIM_FAULT": "builder:crash"])
        defer { engine.shutdown() }
        try engine.start(feature: "Crash")
        engine.drive()
        let blocked = waitFor(engine) { $0.phase == .blocked }
        XCTAssertTrue(blocked?.blockedReason?.contains("builder did not finish its work in 2 attempts") ?? false, "\(String(describing: blocked?.blockedReason))")
        let builder = blocked?.agents.first { $0.role == "builder" }
        XCTAssertEqual(builder?.state, .failed)
        XCTAssertEqual(builder?.exitCode, 1)
        XCTAssertTrue(blocked?.attention.contains { $0.kind == .failed && $0.role == "builder" } ?? false)
    }

    func testAHangingAgentTimesOut() throws {
        let factory = try SimFactory(overrides: ["builder": "timeout: 1\nretries: 0"])
        defer { factory.remove() }
        let engine = try factory.engine(environment: ["FACTORY_SIM_FAULT": "builder:hang"])
        defer { engine.shutdown() }
        try engine.start(feature: "Hang")
        engine.drive()
        let blocked = waitFor(engine) { $0.phase == .blocked }
        XCTAssertEqual(blocked?.agents.first { $0.role == "builder" }?.state, .timedOut)
        if let pid = blocked?.agents.first(where: { $0.role == "builder" })?.pid {
            let gone = DispatchTime.now() + 5
            while kill(pid, 0) == 0 && DispatchTime.now() < gone { usleep(20_000) }
            XCTAssertNotEqual(kill(pid, 0), 0, "the hung agent was killed")
        }
    }

    func testAFloodOfOutputIsCappedOnDisk() throws {
        let factory = try SimFactory(overrides: ["builder": "retries: 0"])
        defer { factory.remove() }
        let engine = try factory.engine(environment: ["FACTORY_SIM_FAULT": "builder:flood"])
        defer { engine.shutdown() }
        try engine.start(feature: "Flood")
        engine.drive()
        _ = waitFor(engine, timeout: 60) { $0.phase == .blocked }
        let log = factory.paths.logs + "/builder.log"
        let size = (try FileManager.default.attributesOfItem(atPath: log)[.size] as? Int) ?? 0
        let rotated = (try FileManager.default.attributesOfItem(atPath: log + ".1")[.size] as? Int) ?? 0
        XCTAssertLessThanOrEqual(size, 1 << 20)
        XCTAssertGreaterThan(rotated, 0, "the log rotated")
        XCTAssertLessThanOrEqual(rotated, 1 << 20)
    }

    func testARestartedEngineReadoptsARunningAgent() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let first = try factory.engine(environment: ["FACTORY_SIM_FAULT": "builder:idle"])
        try first.start(feature: "Restart")
        first.drive()
        guard let running = waitFor(first, { $0.agents.contains { $0.role == "builder" && $0.state == .running } }),
              let pid = running.agents.first(where: { $0.role == "builder" })?.pid else { return }
        first.shutdown()

        let second = try factory.engine(environment: ["FACTORY_SIM_FAULT": "builder:idle"])
        defer { second.shutdown() }
        second.drive()
        let adopted = waitFor(second) { $0.agents.contains { $0.role == "builder" && $0.state == .running } }
        XCTAssertEqual(adopted?.phase, .implementation, "the phase survived the restart")
        XCTAssertEqual(adopted?.agents.first { $0.role == "builder" }?.pid, pid, "the same process, re-adopted")
        let events = (try? String(contentsOfFile: factory.paths.events, encoding: .utf8)) ?? ""
        XCTAssertTrue(events.contains("builder re-adopted (pid \(pid))"))

        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
        // Its exit is seen (then the builder, unfinished, is retried with a new process).
        let ended = waitFor(second) { $0.agents.contains { $0.role == "builder" && ($0.pid != pid || !$0.state.isActive) } }
        XCTAssertNotNil(ended, "the re-adopted agent's exit is seen")
        let later = (try? String(contentsOfFile: factory.paths.events, encoding: .utf8)) ?? ""
        XCTAssertTrue(later.contains("builder failed (signal 9)"), "its keeper recorded how the re-adopted agent ended")
    }

    func testValidationRetryBudget() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let engine = try factory.engine(environment: ["FACTORY_SIM_SCENARIO": "veto"], validationRetries: 0)
        defer { engine.shutdown() }
        try engine.start(feature: "Veto")
        engine.drive()
        let blocked = waitFor(engine) { $0.phase == .blocked }
        XCTAssertTrue(blocked?.blockedReason?.contains("validation failed 1 times") ?? false, "\(String(describing: blocked?.blockedReason))")
        XCTAssertTrue(blocked?.attention.contains { $0.kind == .veto } ?? false)
    }

    func testAProcessStartedByHandIsSeenAsExternal() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["30"]
        sleeper.currentDirectoryURL = URL(fileURLWithPath: factory.paths.worktree("reviewer"))
        try sleeper.run()
        defer { sleeper.terminate() }
        let engine = try factory.engine()
        defer { engine.shutdown() }
        var snap = engine.snapshot()
        let deadline = Date().addingTimeInterval(5)
        while snap.agents.first(where: { $0.role == "reviewer" })?.state != .external && Date() < deadline {
            engine.refreshForTests()
            snap = engine.snapshot()
        }
        XCTAssertEqual(snap.agents.first { $0.role == "reviewer" }?.state, .external)
        XCTAssertEqual(snap.agents.first { $0.role == "builder" }?.state, .notStarted)
    }
}

extension EngineTests {
    /// A second feature in the same factory goes through every gate again: done tasks,
    /// a ticked approval and verdicts from the first must not open its gates.
    func testASecondFeatureRunsTheWholePipelineAgain() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let engine = try factory.engine(autoApprove: false)
        defer { engine.shutdown() }
        try engine.start(feature: "First")
        engine.drive()
        _ = waitFor(engine) { $0.phase == .awaitingApproval }
        try engine.approve()
        _ = waitFor(engine) { $0.phase == .done }

        try engine.start(feature: "Second")
        let waiting = waitFor(engine) { $0.phase == .awaitingApproval && !$0.agents.contains { $0.state.isActive } }
        XCTAssertEqual(waiting?.feature, "Second", "the new plan waits for a new approval")
        try engine.approve()
        XCTAssertNotNil(waitFor(engine) { $0.phase == .done })
        let events = (try? String(contentsOfFile: factory.paths.events, encoding: .utf8)) ?? ""
        for role in ["architect", "builder", "tester", "reviewer", "security", "docwriter"] {
            XCTAssertEqual(events.components(separatedBy: "\"\(role) started").count - 1, 2, "\(role) ran once per feature")
        }
        let plan = try PlanFile(path: factory.paths.plan).read().view
        XCTAssertTrue(plan.tasks.contains { $0.description == "Implement: Second" && $0.status == .done })
        XCTAssertEqual(Set(plan.verdicts.filter { $0.subject == "Second" }.map(\.verdict)), ["pass", "approved", "secure"])
    }

    /// Main moving (a merge, a commit by hand) changes every worktree's ahead/behind: the
    /// engine watches the branch refs and refreshes them.
    func testMainMovingRefreshesEveryWorktreesCounts() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let engine = try factory.engine()
        defer { engine.shutdown() }
        engine.drive()
        XCTAssertNotNil(waitFor(engine) { snap in snap.agents.allSatisfy { $0.worktree?.behind == 0 } })
        try factory.repo.git("commit", "--quiet", "--allow-empty", "-m", "moved on")
        let moved = waitFor(engine, timeout: 5) { snap in snap.agents.allSatisfy { $0.worktree?.behind == 1 } }
        XCTAssertNotNil(moved, "every worktree is one behind main")
    }
}
