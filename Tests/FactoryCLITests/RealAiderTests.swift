import Foundation
import XCTest

/// Real aider (PyPI's aider-chat; `.ci/fetch-aider`), the `text` protocol's real case,
/// against the scripted fake OpenAI-compatible API in Tests/Fixtures, driven by factory as a
/// user would: `init --preset aider`, the model and endpoint in the environment.
final class RealAiderTests: FactoryTestCase {
    private var servers: [Process] = []

    override func setUpWithError() throws {
        _ = try Self.realAider()
        try super.setUpWithError()
    }

    override func tearDownWithError() throws {
        for server in servers { server.terminate() }
        try super.tearDownWithError()
    }

    /// The builder's aider runs headless under its keeper (stdin at EOF, stdout a pipe, no
    /// terminal), applies the model's whole-file edit and commits it on `agent/builder`; what
    /// it printed is in the agent's log as plain text, and `status --json` shows it ran and
    /// exited 0. The worktree is left clean.
    func testTheAiderPresetEditsAndCommitsInTheBuildersWorktree() throws {
        let (repo, variables) = try aiderFactory("Greet the user", [
            ["match": "Greet the user", "text": "I will add the greeting.\n\nhello.txt\n```\nHello from aider\n```\n"],
            ["match": "commit message", "text": "Add hello.txt with a greeting"],
        ], keeping: &servers)
        // A user's shell may ask every program for colours; the log stays plain text all the same.
        let environment = ProcessInfo.processInfo.environment.merging(variables.merging(["FORCE_COLOR": "1"]) { $1 }) { $1 }
        let driver = try startDriver(in: repo, environment: environment)
        defer { driver.terminate() }
        _ = try waitForStatus(repo, timeout: 30) { $0["phase"] as? String == "awaiting_approval" }
        try ok("approve", cwd: repo)

        let ended = try waitForStatus(repo, timeout: 120) { agent($0, "builder")?["exitCode"] is Int }
        let builder = agent(ended, "builder")
        let log = (try? String(contentsOfFile: repo + "/.agent-comms/logs/builder.log", encoding: .utf8)) ?? ""
        XCTAssertEqual(builder?["exitCode"] as? Int, 0, "aider exited 0: \(ended)\nits log:\n\(log)")
        XCTAssertEqual(builder?["state"] as? String, "exited", "\(builder ?? [:])")
        XCTAssertEqual(builder?["attempts"] as? Int, 1)
        let events = (try? String(contentsOfFile: repo + "/.agent-comms/events.jsonl", encoding: .utf8)) ?? ""
        XCTAssertTrue(events.contains("builder exited (status 0)"), events)

        let worktree = repo + "/worktrees/builder"
        XCTAssertEqual(try? String(contentsOfFile: worktree + "/hello.txt", encoding: .utf8), "Hello from aider\n")
        XCTAssertEqual(try git(in: worktree, ["log", "-1", "--format=%s", "agent/builder"]), "Add hello.txt with a greeting\n", "aider committed its edit")
        XCTAssertEqual(try git(in: worktree, ["show", "--name-only", "--format=", "agent/builder"]), "hello.txt\n")
        XCTAssertEqual(try git(in: worktree, ["status", "--porcelain"]), "", "aider's own files are ignored, .gitignore untouched")

        for printed in ["I will add the greeting.", "Applied edit to hello.txt", "Commit "] {
            XCTAssertTrue(log.contains(printed), "\(printed) is in the log:\n\(log)")
        }
        XCTAssertFalse(log.contains("\u{1B}"), "plain text, no colours or redraws:\n\(log)")
        XCTAssertFalse(log.contains("Input is not a terminal"), "no terminal input is set up:\n\(log)")
        let seen = (try? String(contentsOfFile: root + "/openai-port.log", encoding: .utf8)) ?? ""
        XCTAssertTrue(seen.contains("# Builder") && seen.contains("Greet the user"), "the role's prompt reached the model:\n\(seen.prefix(2000))")
        driver.terminate()
        driver.waitUntilExit()
    }
}
