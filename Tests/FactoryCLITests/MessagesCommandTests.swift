import Foundation
import XCTest

/// `factory messages`: the message log printed readably or as JSON lines, filtered by party,
/// and followed as it grows — through concurrent writers and PLAN.md being replaced.
final class MessagesCommandTests: FactoryTestCase {
    private func say(_ from: String, _ to: String, _ text: String, time: String = "2026-11-24 10:25") throws {
        try ok("say", "--file", planPath, "--from", from, "--to", to, "--time", time, text)
    }

    func testPrintsTheLogReadably() throws {
        try say("Builder", "Architect,Tester", "Ready for review.\nSee the diff.")
        try say("Tester", "Builder", "All green.", time: "")
        let out = try ok("messages", "--file", planPath).stdout
        XCTAssertEqual(out, """
        Builder → Architect, Tester (2026-11-24 10:25)
            Ready for review.
            See the diff.

        Tester → Builder
            All green.

        """)
    }

    func testFiltersByPartyInAnyCaseAndRefusesUnknownNames() throws {
        try say("Builder", "Architect", "one")
        try say("Tester", "Builder,Reviewer", "two")
        try say("Architect", "Reviewer", "three")
        XCTAssertEqual(try ok("messages", "--file", planPath, "--from", "BUILDER", "--json").stdout.split(separator: "\n").count, 1)
        let toReviewer = try ok("messages", "--file", planPath, "--to", "reviewer").stdout
        XCTAssertTrue(toReviewer.contains("two") && toReviewer.contains("three") && !toReviewer.contains("one"), toReviewer)
        let both = try ok("messages", "--file", planPath, "--from", "tester", "--to", "Reviewer").stdout
        XCTAssertTrue(both.hasPrefix("Tester → Builder, Reviewer"), both)
        XCTAssertFalse(both.contains("three"), both)
        // A sender some message already has is one to filter by, whatever its name.
        try say("Bob", "Tester", "from bob")
        XCTAssertTrue(try ok("messages", "--file", planPath, "--from", "bob").stdout.contains("from bob"))
        for option in ["--from", "--to"] {
            let r = try factory("messages", "--file", planPath, option, "Bilder")
            XCTAssertNotEqual(r.status, 0, r.summary)
            assertOneLine(r.stderr, mentioning: option, r)
            XCTAssertTrue(r.stderr.contains("Builder"), r.stderr)
        }
    }

    func testJSONIsOneObjectALine() throws {
        try say("Builder", "Architect,Tester", "multi\nline \"quoted\"")
        try say("Tester", "Builder", "second")
        let lines = try ok("messages", "--file", planPath, "--json").stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        let first = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        XCTAssertEqual(first["from"] as? String, "Builder")
        XCTAssertEqual(first["to"] as? [String], ["Architect", "Tester"])
        XCTAssertEqual(first["time"] as? String, "2026-11-24 10:25")
        XCTAssertEqual(first["body"] as? String, "multi\nline \"quoted\"")
        XCTAssertEqual(first["line"] as? Int, try document().view.messages[0].line)
        XCTAssertTrue(lines[0].hasPrefix("{\"body\":"), String(lines[0]))
    }

    func testHostileBytesInABodyAreShownInert() throws {
        try writePlan(InertOutputTests.hostilePlan())
        for args in [["messages"], ["messages", "--json"]] {
            let r = try factory(args + ["--file", planPath])
            XCTAssertEqual(r.status, 0, r.summary)
            let live: Set<Unicode.Scalar> = ["\u{1B}", "\u{9B}", "\u{202E}", "\u{7}"]
            XCTAssertFalse(r.stdout.unicodeScalars.contains { live.contains($0) }, r.stdout)
            let shown = args.count == 1 ? "^[]0;title^G" : "\\u001b]0;title\\u0007"
            XCTAssertTrue(r.stdout.contains(shown), r.stdout)
        }
        try say("Builder", "Tester", "bell \u{7} and \u{1B}[2J clear")
        let out = try ok("messages", "--file", planPath, "--from", "builder", "--to", "tester").stdout
        XCTAssertTrue(out.contains("    bell ^G and ^[[2J clear"), out)
    }

    func testHelpDescribesTheOptions() throws {
        let out = try ok("messages", "--help").stdout
        for word in ["--follow", "--from", "--to", "--json", "--file", "tail -F"] { XCTAssertTrue(out.contains(word), "\(word): \(out)") }
    }

    // MARK: following

    func testFollowPrintsEveryMessageOfAConcurrentWriterOnce() throws {
        try say("Architect", "Builder", "before")
        let follower = try startFollower(["--json"])
        defer { follower.stop() }
        try follower.wait { $0.count == 1 }
        let (plan, scratch) = (planPath, scratch)
        let writer = Thread {
            for i in 0..<20 {
                _ = try? Factory.run(["say", "--file", plan, "--from", "Builder", "--to", "Tester", "message \(i)"], scratch: scratch)
            }
        }
        writer.start()
        let bodies = try follower.wait { $0.count == 21 }.compactMap { $0["body"] as? String }
        XCTAssertEqual(bodies, ["before"] + (0..<20).map { "message \($0)" })
        usleep(300_000)
        XCTAssertEqual(follower.lines().count, 21, "a message printed twice")
    }

    func testFollowSurvivesRenameTruncationDeletionAndANewFile() throws {
        try say("Architect", "Builder", "first")
        let follower = try startFollower(["--json", "--to", "builder"])
        defer { follower.stop() }
        try follower.wait { $0.count == 1 }
        // Replaced by a rename, with one message more.
        try say("Tester", "Builder", "second")
        let withTwo = try planBytes()
        try follower.wait { $0.count == 2 }
        // Cut short, then written back with a third.
        try writePlan([])
        usleep(100_000)
        try writePlan(withTwo)
        try say("Reviewer", "Builder", "third")
        try follower.wait { $0.count == 3 }
        // Deleted, then a new file with the old messages and a fourth.
        let withThree = try planBytes()
        try FileManager.default.removeItem(atPath: planPath)
        usleep(100_000)
        try writePlan(withThree)
        try say("Security", "Builder", "fourth")
        let bodies = try follower.wait { $0.count == 4 }.compactMap { $0["body"] as? String }
        XCTAssertEqual(bodies, ["first", "second", "third", "fourth"])
        usleep(300_000)
        XCTAssertEqual(follower.lines().count, 4, "a message printed twice")
    }

    func testFollowingAPlanNotYetThereSaysSoAndPrintsItsMessagesWhenItComes() throws {
        let plan = try planBytes()
        try FileManager.default.removeItem(atPath: planPath)
        let follower = try startFollower(["--json"])
        defer { follower.stop() }
        let deadline = Date().addingTimeInterval(10)
        while !follower.errors().contains("does not exist yet; waiting for it") && Date() < deadline { usleep(20_000) }
        XCTAssertEqual(follower.errors(), "factory: \(planPath) does not exist yet; waiting for it\n")
        try writePlan(plan)
        try say("Architect", "Builder", "arrived")
        let bodies = try follower.wait { $0.count == 1 }.compactMap { $0["body"] as? String }
        XCTAssertEqual(bodies, ["arrived"])
    }

    func testFollowingInAFolderThatIsNotThereIsAnError() throws {
        let r = try factory("messages", "--follow", "--file", root + "/gone/PLAN.md")
        XCTAssertEqual(r.status, 1)
        assertOneLine(r.stderr, mentioning: "is not a directory", r)
    }

    func testFollowPrintsReadablyWithABlankLineBetweenMessages() throws {
        try say("Architect", "Builder", "before")
        let follower = try startFollower([])
        defer { follower.stop() }
        try follower.waitForText { $0.contains("before") }
        try say("Builder", "Tester", "after\nsecond line", time: "11:00")
        let text = try follower.waitForText { $0.contains("second line") }
        XCTAssertEqual(text, "Architect → Builder (2026-11-24 10:25)\n    before\n\nBuilder → Tester (11:00)\n    after\n    second line\n")
    }

    /// `factory messages --follow --file PLAN ARGS`, its output in a file.
    private func startFollower(_ args: [String]) throws -> Follower {
        let out = scratch + "/follow-\(UUID().uuidString).out"
        FileManager.default.createFile(atPath: out, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Factory.binaryPath)
        p.arguments = ["messages", "--follow", "--file", planPath] + args
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        FileManager.default.createFile(atPath: out + ".err", contents: nil)
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: out + ".err"))
        try p.run()
        return Follower(process: p, output: out)
    }

    private struct Follower {
        let process: Process
        let output: String

        func text() -> String { (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }
        func errors() -> String { (try? String(contentsOfFile: output + ".err", encoding: .utf8)) ?? "" }

        @discardableResult
        func waitForText(file: StaticString = #filePath, line: UInt = #line, until done: (String) -> Bool) throws -> String {
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                if done(text()) { return text() }
                usleep(20_000)
            }
            XCTFail("the follower printed: \(text())", file: file, line: line)
            throw CLIHarnessError.timedOut(process.arguments ?? [])
        }

        func lines() -> [[String: Any]] {
            return text().split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }

        @discardableResult
        func wait(timeout: Double = 20, file: StaticString = #filePath, line: UInt = #line, until done: ([[String: Any]]) -> Bool) throws -> [[String: Any]] {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                let now = lines()
                if done(now) { return now }
                usleep(20_000)
            }
            XCTFail("the follower printed: \(lines().map { $0["body"] ?? "?" })", file: file, line: line)
            throw CLIHarnessError.timedOut(process.arguments ?? [])
        }

        func stop() {
            process.terminate()
            process.waitUntilExit()
        }
    }
}
