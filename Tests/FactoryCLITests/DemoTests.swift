import Foundation
import PlanDocument
import XCTest

/// The three headless demo scenarios, end to end: the real binary, real git, real agents.
final class DemoTests: FactoryTestCase {
    private var dir: String { root + "/demo" }

    private func demo(_ scenario: String) throws -> (status: Int32, events: [[String: Any]], seconds: Double) {
        let start = Date()
        let result = try Factory.run(["demo", "--headless", "--scenario", scenario, "--keep", dir], scratch: scratch, deadline: 60)
        let events = result.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        XCTAssertEqual(events.count, result.stdout.split(separator: "\n").count, "every stdout line is a JSON event")
        return (result.status, events, Date().timeIntervalSince(start))
    }

    private func git(_ args: String...) throws -> String { try git(in: dir, args) }

    private func phases(_ events: [[String: Any]]) -> [String] {
        events.filter { $0["kind"] as? String == "phase" }.compactMap { $0["phase"] as? String }
    }

    func testHappyPathMergesEveryAgentsWork() throws {
        let run = try demo("happy")
        XCTAssertEqual(run.status, 0)
        XCTAssertLessThan(run.seconds, 20)
        XCTAssertEqual(phases(run.events), ["planning", "awaiting_approval", "implementation", "validation", "documentation", "merge", "done"])
        let files = try git("ls-tree", "-r", "--name-only", "main")
        for file in ["src/greeting.txt", "tests/greeting_test.txt", "docs/greeting.md", "docs/design.md", ".agent-comms/HISTORY.md"] {
            XCTAssertTrue(files.contains(file), "\(file) is merged into main")
        }
        XCTAssertTrue(try git("log", "--format=%s", "main").contains("Merge branch 'agent/builder'"))
        let plan = PlanDocument(try String(contentsOfFile: dir + "/.agent-comms/PLAN.md", encoding: .utf8)).view
        XCTAssertEqual(Set(plan.verdicts.map(\.verdict)), ["pass", "approved", "secure"])
        XCTAssertTrue(plan.checkpoints[0].items.contains { $0.text == "Human approved the plan" && $0.done })
        XCTAssertTrue(plan.changeLog.contains { $0.change.contains("merge → done") }, "every transition is in the change log")
        let status = try factory(["status", "--json"], cwd: dir)
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(json?["phase"] as? String, "done")
        XCTAssertEqual((json?["agents"] as? [[String: Any]])?.count, 6)
    }

    func testVetoLoopsBackToTheBuilderThenPasses() throws {
        let run = try demo("veto")
        XCTAssertEqual(run.status, 0)
        XCTAssertLessThan(run.seconds, 20)
        XCTAssertEqual(phases(run.events), ["planning", "awaiting_approval", "implementation", "validation", "implementation",
                                            "validation", "documentation", "merge", "done"])
        XCTAssertTrue(run.events.contains { $0["kind"] as? String == "veto" })
        XCTAssertFalse(run.events.contains { ($0["message"] as? String ?? "").contains("without finishing") },
                       "re-entering a phase is not a retry")
        let plan = PlanDocument(try String(contentsOfFile: dir + "/.agent-comms/PLAN.md", encoding: .utf8)).view
        XCTAssertTrue(plan.tasks.contains { $0.agent == "builder" && $0.description.hasPrefix("Fix validation findings (round 1)") && $0.status == .done })
        XCTAssertTrue(plan.messages.contains { $0.from == "Orchestrator" && $0.to == ["Builder"] && $0.body.contains("veto") })
        XCTAssertEqual(plan.verdicts.last { $0.kind == .security }?.verdict, "secure")
    }

    func testConflictBlocksAndLeavesMainUntouched() throws {
        let run = try demo("conflict")
        XCTAssertEqual(run.status, 3)
        XCTAssertLessThan(run.seconds, 20)
        XCTAssertEqual(phases(run.events).last, "blocked")
        XCTAssertEqual(try git("log", "--format=%s", "main"), "factory: set up the software factory\nInitial commit\n", "main is untouched")
        XCTAssertEqual(try git("status", "--porcelain"), "")
        let status = try factory(["status", "--json"], cwd: dir)
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(json?["phase"] as? String, "blocked")
        XCTAssertEqual(json?["conflicts"] as? [String], ["src/greeting.txt"])
        let attention = json?["attention"] as? [[String: Any]] ?? []
        XCTAssertEqual(attention.first?["kind"] as? String, "conflict")
    }
}

/// A driving `factory run --headless` takes commands from other `factory` processes.
final class DrivenFactoryTests: FactoryTestCase {
    func testRunHeadlessTakesStartAndApproveFromOtherProcesses() throws {
        let repo = try makeSimRepo()
        let driver = try startDriver(in: repo)
        let exited = DispatchSemaphore(value: 0)
        driver.terminationHandler = { _ in exited.signal() }
        defer { if driver.isRunning { driver.terminate() } }

        func phase() throws -> String? {
            let r = try factory(["status", "--json"], cwd: repo)
            return (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])?["phase"] as? String
        }
        func waitForPhase(_ wanted: String) throws {
            let deadline = Date().addingTimeInterval(20)
            while try phase() != wanted {
                guard Date() < deadline else { return XCTFail("phase never became \(wanted) (is \(String(describing: try phase())))") }
                usleep(50_000)
            }
        }
        let early = try factory(["approve"], cwd: repo)
        XCTAssertEqual(early.status, 1, "the driver refuses: nothing awaits approval yet. \(early.summary)")
        XCTAssertEqual(early.stderr, "Error: nothing awaits approval (phase idle)\n", early.summary)
        let sent = try ok("start", "Add a greeting", cwd: repo).stdout
        XCTAssertEqual(sent, "started \"Add a greeting\": the architect plans it\n", "what the driving engine did")
        try waitForPhase("awaiting_approval")
        let approved = try ok("approve", cwd: repo).stdout
        XCTAssertTrue(approved.hasPrefix("plan approved (seal ") && approved.hasSuffix("): implementation begins\n"), approved)
        XCTAssertEqual(exited.wait(timeout: .now() + 30), .success, "the driver finishes the pipeline")
        XCTAssertEqual(driver.terminationStatus, 0)
        XCTAssertEqual(try phase(), "done")
        let events = try ok("events", cwd: repo).stdout
        XCTAssertTrue(events.contains("\"kind\":\"approved\""))
    }
}

/// `factory events --follow` keeps printing what the engine does.
final class EventsFollowTests: FactoryTestCase {
    func testFollowPrintsNewEventsAsTheyHappen() throws {
        let dir = root + "/demo"
        XCTAssertEqual(try factory(["demo", "--headless", "--keep", dir]).status, 0)
        let out = root + "/follow.out"
        FileManager.default.createFile(atPath: out, contents: nil)
        let follower = Process()
        follower.executableURL = URL(fileURLWithPath: Factory.binaryPath)
        follower.arguments = ["events", "--follow"]
        follower.currentDirectoryURL = URL(fileURLWithPath: dir)
        follower.standardInput = FileHandle.nullDevice
        follower.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        try follower.run()
        defer { follower.terminate() }
        // The history comes first…
        let deadline = Date().addingTimeInterval(10)
        func printed() -> String { (try? String(contentsOfFile: out, encoding: .utf8)) ?? "" }
        while !printed().contains("merge → done") && Date() < deadline { usleep(20_000) }
        XCTAssertTrue(printed().contains("merge → done"), printed())
        // …then what happens next: a new feature.
        try ok("start", "Another feature", cwd: dir)
        while !printed().contains("feature requested: Another feature") && Date() < deadline { usleep(20_000) }
        let lines = printed().split(separator: "\n")
        XCTAssertTrue(lines.last { $0.contains("feature requested: Another feature") } != nil, printed())
        XCTAssertTrue(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil }, "every line is JSON")
    }

    /// Messages are tailed too, one event each, with no engine running.
    func testFollowPrintsEachNewMessage() throws {
        let repo = try makeSimRepo()
        let out = root + "/messages.out"
        FileManager.default.createFile(atPath: out, contents: nil)
        let follower = Process()
        follower.executableURL = URL(fileURLWithPath: Factory.binaryPath)
        follower.arguments = ["events", "--follow"]
        follower.currentDirectoryURL = URL(fileURLWithPath: repo)
        follower.standardInput = FileHandle.nullDevice
        follower.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        try follower.run()
        defer { follower.terminate() }
        func printed() -> String { (try? String(contentsOfFile: out, encoding: .utf8)) ?? "" }
        // The follower is ready once a warm-up message comes out (one sent before it was
        // watching is never printed: send another until one is).
        let ready = Date().addingTimeInterval(10)
        while !printed().contains("warm up") && Date() < ready {
            try ok("say", "--from", "builder", "--to", "tester", "--time", "10:25", "warm up", cwd: repo)
            let wait = Date().addingTimeInterval(0.5)
            while !printed().contains("warm up") && Date() < wait { usleep(20_000) }
        }
        try ok("say", "--from", "builder", "--to", "tester,reviewer", "--time", "10:26", "first line\nsecond line", cwd: repo)
        try ok("say", "--from", "tester", "--to", "builder", "--time", "10:27", "got it", cwd: repo)
        let deadline = Date().addingTimeInterval(10)
        while !printed().contains("got it") && Date() < deadline { usleep(20_000) }
        let lines = printed().split(separator: "\n").map(String.init)
        let messages = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }.filter { $0["kind"] as? String == "message" }
        let bodies = messages.compactMap { $0["body"] as? String }.filter { $0 != "warm up" }
        XCTAssertEqual(bodies, ["first line\nsecond line", "got it"], printed())
        let first = messages.first { $0["body"] as? String == "first line\nsecond line" }
        XCTAssertEqual(first?["from"] as? String, "Builder")
        XCTAssertEqual(first?["to"] as? [String], ["Tester", "Reviewer"])
        XCTAssertEqual(first?["time"] as? String, "10:26")
    }
}
