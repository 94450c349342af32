import Foundation
import XCTest

/// Words the CLI cannot act on are refused in one line that lists what it takes, and the
/// file stays as it was.
final class CLIInputTests: FactoryTestCase {
    /// keys.conf with one byte that is not UTF-8 is an error at start, as a line it cannot
    /// read is, never silently the default keys.
    func testAKeysConfThatIsNotUTF8IsRefusedAtStart() throws {
        let config = root + "/config"
        try FileManager.default.createDirectory(atPath: config + "/factory", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: config + "/factory/keys.conf", contents: Data("# caf\u{E9}\napprove = Y\n".utf8.map { $0 == 0xC3 ? 0xE9 : $0 }.filter { $0 != 0xA9 }))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Factory.binaryPath)
        p.arguments = ["dashboard"]
        p.currentDirectoryURL = URL(fileURLWithPath: root)
        p.environment = ProcessInfo.processInfo.environment.merging(["XDG_CONFIG_HOME": config, "TERM": "xterm-256color"]) { $1 }
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 1)
        XCTAssertEqual(text, "Error: \(config)/factory/keys.conf: not UTF-8 text\n")
    }

    /// A new task's ID is a word others can type: `-`, an escape, a space or a path is refused
    /// in one line and the plan stays as it was; ordinary IDs go in.
    func testTaskIDsThatNoCommandCouldFindAreRefused() throws {
        let before = try planBytes()
        for id in ["-", "\u{1B}[2J", "a b", "../x", "-", String(repeating: "x", count: 33)] {
            let r = try factory(["task", "add", "--id", id, "--file", planPath, "Something"])
            XCTAssertEqual(r.status, 1, r.summary)
            assertOneLine(r.stderr, mentioning: "an ID is 1 to 32 letters", r)
            XCTAssertFalse(r.stderr.contains("\u{1B}"), r.summary)
        }
        XCTAssertEqual(try planBytes(), before)
        try ok("task", "add", "--id", "T-1.2", "--file", planPath, "Fine")
        try ok("task", "add", "--id", "api_9", "--file", planPath, "Also fine")
    }

    /// A budget is an amount a person means: 1e308 or a negative one is refused in one line.
    func testABudgetBeyondReasonIsRefused() throws {
        for amount in ["1e308", "2000000", "-5", "inf", "five"] {
            let r = try factory(["budget", amount])
            XCTAssertEqual(r.status, 1, r.summary)
            assertOneLine(r.stderr, mentioning: "up to 1000000", r)
        }
    }

    /// `demo --keep` at a file, or below one, is a one-line error, not a framework's.
    func testDemoKeptAtAFileSaysSoInOneLine() throws {
        let file = root + "/a-file"
        FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        for (target, words) in [(file, "is a file, not a folder"), (file + "/sub", "a part of the path is a file")] {
            let r = try factory(["demo", "--headless", "--keep", target])
            XCTAssertEqual(r.status, 1, r.summary)
            assertOneLine(r.stderr, mentioning: words, r)
        }
    }

    func testUnknownStatusIsRefusedWithTheStatusWords() throws {
        try ok("task", "add", "--id", "T1", "--file", planPath, "Write the parser")
        let before = try planBytes()
        for args in [["task", "set", "T1", "--status", "banana", "--file", planPath],
                     ["task", "add", "--status", "banana", "--file", planPath, "Another"]] {
            let r = try factory(args)
            XCTAssertNotEqual(r.status, 0, r.summary)
            assertOneLine(r.stderr, mentioning: "banana", r)
            for word in ["done", "wip", "pending", "blocked", "failed"] {
                XCTAssertTrue(r.stderr.contains(word), "the error lists \(word): \(r.stderr)")
            }
            XCTAssertEqual(try planBytes(), before, "a refused status changes nothing")
        }
    }

    func testStatusFormsTheParserKnowsAreTaken() throws {
        try ok("task", "add", "--id", "T1", "--file", planPath, "Write the parser")
        for (status, expected) in [("in progress", "wip"), ("✅ Done", "done"), ("Blocked on review", "blocked"), ("FAILED", "failed")] {
            try ok("task", "set", "T1", "--status", status, "--file", planPath)
            let tasks = try XCTUnwrap(try planJSON()["tasks"] as? [[String: Any]])
            XCTAssertEqual(tasks.first?["status"] as? String, expected, status)
        }
    }

    func testUnknownRecipientIsRefusedWithTheParties() throws {
        let before = try planBytes()
        for to in ["nobody", "architect,nobody"] {
            let r = try factory("say", "--file", planPath, "--from", "builder", "--to", to, "hello")
            XCTAssertNotEqual(r.status, 0, r.summary)
            assertOneLine(r.stderr, mentioning: "nobody", r)
            for party in ["architect", "builder", "tester", "reviewer", "security", "docwriter", "all", "orchestrator", "human"] {
                XCTAssertTrue(r.stderr.lowercased().contains(party), "the error lists \(party): \(r.stderr)")
            }
            XCTAssertEqual(try planBytes(), before, "a refused message changes nothing")
        }
        try ok("say", "--file", planPath, "--from", "builder", "--to", "Human,All,orchestrator", "hello")
    }

    func testInitWarnsWhenThePresetProgramIsNotOnPath() throws {
        let repo = try gitRepository("repo")
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let missing = path.split(separator: ":").allSatisfy { !FileManager.default.isExecutableFile(atPath: "\($0)/claude") }
        try XCTSkipUnless(missing, "claude is installed here")

        let r = try factory(["init"], cwd: repo)
        XCTAssertEqual(r.status, 0, r.summary)
        assertOneLine(r.stderr, mentioning: "claude", r)
        XCTAssertTrue(r.stderr.contains("PATH") && r.stderr.contains("sim"), "the warning names the preset that works here: \(r.stderr)")

        let sim = try gitRepository("repo-sim")
        let quiet = try factory(["init", "--preset", "sim"], cwd: sim)
        XCTAssertEqual(quiet.status, 0, quiet.summary)
        XCTAssertEqual(quiet.stderr, "", "the sim preset needs nothing on PATH")
    }

    /// A git repository with one commit in `root/name`.
    private func gitRepository(_ name: String) throws -> String {
        let dir = root + "/" + name
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for args in [["init", "-q", "--initial-branch=main"], ["config", "user.email", "t@factory.local"], ["config", "user.name", "t"],
                     ["commit", "-q", "--allow-empty", "-m", "first"]] {
            let git = Process()
            git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            git.arguments = ["git", "-C", dir] + args
            git.standardOutput = FileHandle.nullDevice
            git.standardError = FileHandle.nullDevice
            try git.run()
            git.waitUntilExit()
            XCTAssertEqual(git.terminationStatus, 0, "git \(args)")
        }
        return dir
    }

    /// A mistyped command is named as one, not answered with the dashboard's usage.
    func testAnUnknownCommandIsNamed() throws {
        let r = try factory(["stauts"])
        XCTAssertEqual(r.status, 64, r.summary)
        XCTAssertTrue(r.stderr.hasPrefix("Error: unknown command \"stauts\" (commands: agent-sim, allow, answer, approve,"), r.summary)
        XCTAssertFalse(r.stderr.contains("keeper"), "the keeper is factory's own, not a user's command")
        XCTAssertEqual(try factory(["status", "--help"]).status, 0)
    }
}
