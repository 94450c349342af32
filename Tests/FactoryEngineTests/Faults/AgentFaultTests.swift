@testable import FactoryEngine
import Foundation
import PlanDocument
import XCTest

/// Agents that misbehave, each as a small shell script in a role's place, under their real
/// keepers: what the engine reports, what it keeps, and that nothing is left running.
///
/// Covered elsewhere: a program that cannot be started (KeeperEngineTests.
/// testAnAgentThatCannotStartShowsTheRealCause), one that exits non-zero at once
/// (EngineTests.testACrashingAgentIsRetriedThenBlocks), the decoders' own robustness
/// (AgentStreamRobustnessTests).
final class AgentFaultTests: FaultTestCase {
    /// Killed by a signal after some output, nobody having asked: a crash — retried, then
    /// the pipeline blocks saying so. Not "stopped by a human", which would wait forever.
    func testAnAgentKilledMidTaskIsACrashNotAStop() throws {
        let (factory, engine) = try started("Crash mid-task", overrides: ["architect": try stage.role("echo 'step 1 of 3'; echo 'step 2 of 3'; kill -KILL $$", "retries: 1")])
        let tasks = try PlanFile(path: factory.paths.plan).read().view.tasks
        engine.drive()
        let blocked = waitFor(engine, timeout: 20) { $0.phase == .blocked }
        let architect = blocked?.agent("architect")
        XCTAssertEqual(architect?.state, .failed)
        XCTAssertEqual(architect?.attempts, 2, "retried once")
        XCTAssertTrue(blocked?.blockedReason?.contains("architect did not finish its work in 2 attempts") ?? false, "\(String(describing: blocked?.blockedReason))")
        XCTAssertEqual(blocked?.attention.first { $0.kind == .failed }?.message, "architect failed: architect was killed by signal 9 (SIGKILL)")
        XCTAssertFalse(blocked?.attention.contains { $0.kind == .stopped } ?? true, "nobody stopped it")
        let log = try String(contentsOfFile: factory.paths.logs + "/architect.log", encoding: .utf8)
        XCTAssertEqual(log.components(separatedBy: "step 2 of 3\n").count - 1, 2, "both attempts' output kept:\n\(log)")
        XCTAssertEqual(try PlanFile(path: factory.paths.plan).read().view.tasks, tasks, "no task status changed")
    }

    /// A hung agent that ignores SIGTERM, with a child that ignores it too: at its timeout
    /// the whole group is sent SIGTERM, then SIGKILL after the grace, and the run says so.
    func testAHungAgentIgnoringSIGTERMIsKilledWithItsGroupAtItsTimeout() throws {
        let script = "trap '' TERM; sleep 3101 & sleep 3102"
        let (_, engine) = try started("Hang", overrides: ["architect": try stage.role(script, "timeout: 1\nretries: 0")])
        engine.drive()
        let agent = try XCTUnwrap(stage.pid(running: "sleep 3102")), child = try XCTUnwrap(stage.pid(running: "sleep 3101"))
        let blocked = waitFor(engine, timeout: 15) { $0.phase == .blocked }
        XCTAssertEqual(blocked?.agent("architect")?.state, .timedOut)
        XCTAssertTrue(blocked?.attention.contains { $0.kind == .failed && $0.message == "architect timed out" } ?? false)
        XCTAssertTrue(eventually(6) { !isRunning(agent) && !isRunning(child) }, "SIGKILL after the grace ended the agent and its child")
    }

    /// Exit 0 having done nothing: not success. Retried, then blocked with the last status;
    /// PLAN.md, main and the agent's branch are as they were.
    func testAnAgentThatExitsZeroWithoutItsTaskIsNotASuccess() throws {
        let (factory, engine) = try started("Nothing done", overrides: ["architect": try stage.role("echo 'all done, trust me'; exit 0", "retries: 1")])
        let main = try factory.repo.git("rev-parse", "main"), branch = try factory.repo.git("rev-parse", "agent/architect")
        let tasks = try PlanFile(path: factory.paths.plan).read().view.tasks
        engine.drive()
        let blocked = waitFor(engine, timeout: 20) { $0.phase == .blocked }
        XCTAssertEqual(blocked?.agent("architect")?.state, .exited)
        XCTAssertEqual(blocked?.agent("architect")?.exitCode, 0)
        XCTAssertTrue(blocked?.blockedReason?.hasPrefix("architect did not finish its work in 2 attempts (last: exited with status 0;") ?? false,
                      "\(String(describing: blocked?.blockedReason))")
        XCTAssertEqual(try PlanFile(path: factory.paths.plan).read().view.tasks, tasks, "no task moved")
        XCTAssertEqual(try factory.repo.git("rev-parse", "main"), main)
        XCTAssertEqual(try factory.repo.git("rev-parse", "agent/architect"), branch, "no commit")
    }

    /// Bytes that are not UTF-8: the log keeps them exactly; the detail shows each bad byte
    /// as a visible U+FFFD and every good character around it.
    func testInvalidUTF8IsKeptInTheLogAndShownAsReplacement() throws {
        let (factory, engine) = try started("Bad bytes", overrides: ["architect": try stage.role(#"printf 'before \377\376 after\n'; printf 'caf\351 \303( ok\n'"#)])
        engine.drive()
        XCTAssertNotNil(waitFor(engine, timeout: 20) { $0.phase == .blocked })
        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: factory.paths.logs + "/architect.log"))
        XCTAssertTrue(bytes.range(of: Data([0x65, 0x20, 0xFF, 0xFE, 0x20, 0x61])) != nil, "the log has the very bytes")
        XCTAssertTrue(bytes.range(of: Data([0x63, 0x61, 0x66, 0xE9, 0x20, 0xC3, 0x28, 0x20, 0x6F, 0x6B])) != nil)
        var follower = LogFollower(path: factory.paths.logs + "/architect.log")
        follower.refresh()
        let lines = follower.feed.lines.compactMap { if case .log(let text) = $0 { return text }; return nil }
        XCTAssertTrue(lines.contains("before \u{FFFD}\u{FFFD} after"), "\(lines)")
        XCTAssertTrue(lines.contains("caf\u{FFFD} \u{FFFD}( ok"), "\(lines)")
    }

    /// Children in the agent's group and one in a session of its own (setsid) outlive the
    /// agent: when it ends they are ended with it, none left running.
    func testChildrenThatOutliveTheAgentEndWithIt() throws {
        let script = """
            sleep 3201 &
            setsid sleep 3202 > /dev/null 2>&1 &
            (sleep 3203 &) &
            while ! pgrep -x sleep > /dev/null; do sleep 0.01; done; sleep 0.2
            echo started; exit 0
            """
        let (_, engine) = try started("Leftovers", overrides: ["architect": try stage.role(script)])
        engine.drive()
        let children = try ["sleep 3201", "sleep 3202", "sleep 3203"].map { try XCTUnwrap(stage.pid(running: $0), $0) }
        XCTAssertNotNil(waitFor(engine, timeout: 20) { $0.agent("architect")?.state == .exited })
        for (name, pid) in zip(["group", "session", "orphan"], children) {
            XCTAssertTrue(eventually(8) { !isRunning(pid) }, "the \(name) child (pid \(pid)) ended with the agent")
        }
    }

    /// The same when a human stops the agent while it and its children run.
    func testStoppingAnAgentEndsAllItsChildren() throws {
        let script = """
            sleep 3301 &
            setsid sleep 3302 > /dev/null 2>&1 &
            sleep 3303
            """
        let (_, engine) = try started("Stop them all", overrides: ["architect": try stage.role(script)])
        engine.drive()
        let pids = try ["sleep 3303", "sleep 3301", "sleep 3302"].map { try XCTUnwrap(stage.pid(running: $0), $0) }
        try engine.kill(role: "architect")
        XCTAssertNotNil(waitFor(engine, timeout: 10) { $0.agent("architect")?.state == .killed && $0.agent("architect")?.exitCode == nil })
        for (name, pid) in zip(["agent", "group", "session"], pids) {
            XCTAssertTrue(eventually(8) { !isRunning(pid) }, "the \(name) (pid \(pid)) ended")
        }
    }

    /// The keeper killed with SIGKILL under a running agent: the engine says so at once, ends
    /// the agent nobody reads any more, and PLAN.md and state.json keep every status.
    func testAKeeperKilledWithSIGKILLIsReportedAndNothingIsLost() throws {
        let (factory, engine) = try started("Keeper gone", overrides: ["architect": try stage.role("echo working; sleep 3401")])
        engine.drive()
        let sleeper = try XCTUnwrap(stage.pid(running: "sleep 3401"))
        XCTAssertNotNil(waitFor(engine) { $0.agent("architect")?.state == .running })
        let tasks = try PlanFile(path: factory.paths.plan).read().view.tasks
        let run = factory.paths.run("architect")
        let record = try XCTUnwrap(run.read(KeeperRecord.self, run.keeper))
        XCTAssertEqual(engine.snapshot().agent("architect")?.pid, record.agentPid)
        let agent = record.agentPid
        kill(record.keeperPid, SIGKILL)
        let lost = waitFor(engine, timeout: 10) { $0.phase == .blocked }
        let architect = lost?.agent("architect")
        XCTAssertEqual(architect?.state, .failed)
        XCTAssertEqual(architect?.problem, "architect's keeper ended without recording how the agent ended")
        XCTAssertTrue(lost?.attention.contains { $0.kind == .failed && $0.role == "architect" && $0.message.contains("keeper ended") } ?? false)
        XCTAssertTrue(eventually(5) { !isRunning(agent) && !isRunning(sleeper) }, "the agent nobody reads any more was ended, not left running unseen")
        XCTAssertEqual(try PlanFile(path: factory.paths.plan).read().view.tasks, tasks, "PLAN.md's statuses intact")
        let saved = try XCTUnwrap(StateStore(path: factory.paths.state).load(), "state.json reads")
        XCTAssertEqual(saved.feature, "Keeper gone")
        XCTAssertEqual(saved.phase, .blocked)
        XCTAssertEqual(saved.runs["architect"]?.state, .failed)
        XCTAssertEqual(saved.runs["architect"]?.problem, "architect's keeper ended without recording how the agent ended")
    }
}
