import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// The real Claude Code CLI full screen, in a factory terminal session (`session: tmux`),
/// read by its screen rules: its permission prompt makes it `waiting_input` with a request,
/// `factory allow` presses the allow key, it goes `working`, then `idle` at the end of its turn.
final class RealClaudeSessionTests: FactoryTestCase {
    private var servers: [Process] = []

    override func tearDownWithError() throws {
        for server in servers { server.terminate() }
        try super.tearDownWithError()
    }

    func testAPromptOnItsScreenIsARequestAnsweredByKey() throws {
        let claude = try Self.realClaude()
        let port = try startFakeModel(keeping: &servers, [
            ["text": "I will create the file.", "command": "touch made-by-agent.txt"],
            ["text": "Created the file. Done."],
        ])
        let repo = try makeSimRepo(preset: "claude")
        let role = try String(contentsOfFile: repo + "/agents/architect.md", encoding: .utf8)
            .replacingOccurrences(of: "preset: claude", with: "preset: claude\nsession: tmux")
        try role.write(toFile: repo + "/agents/architect.md", atomically: true, encoding: .utf8)
        var env = claudeEnvironment(claude: claude, port: port)
        // The CLI's first-run screens, skipped as a person who has used it before would have.
        let settings: [String: Any] = [
            "hasCompletedOnboarding": true,
            "customApiKeyResponses": ["approved": ["sk-test"], "rejected": [String]()],
            "projects": [repo + "/worktrees/architect": ["hasTrustDialogAccepted": true]],
        ]
        try JSONSerialization.data(withJSONObject: settings).write(to: URL(fileURLWithPath: env["HOME"]! + "/.claude.json"))
        env["TMUX"] = nil
        try ok("start", "Create a file", cwd: repo)
        let driver = try startDriver(in: repo, environment: env)
        defer {
            driver.terminate()
            _ = try? factory(["kill", "architect"], cwd: repo)
        }
        let waiting = try waitForAgent(repo, timeout: 60) { $0["state"] as? String == "waiting_input" }
        let request = waiting["request"] as? [String: Any]
        XCTAssertEqual(request?["tool"] as? String, "Screen")
        XCTAssertTrue((request?["summary"] as? String ?? "").contains("touch made-by-agent.txt"), "\(waiting)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: repo + "/worktrees/architect/made-by-agent.txt"))
        XCTAssertEqual(try ok("allow", "architect", cwd: repo).stdout.hasPrefix("allowed architect: "), true)
        try waitUntilFile(repo + "/worktrees/architect/made-by-agent.txt", timeout: 30)
        _ = try waitForAgent(repo, timeout: 30) { $0["state"] as? String == "idle" }
        let events = (try? String(contentsOfFile: repo + "/.agent-comms/events.jsonl", encoding: .utf8)) ?? ""
        XCTAssertTrue(events.contains("architect asks on its screen"), events)
    }

    private func waitForAgent(_ repo: String, timeout: Double, _ condition: ([String: Any]) -> Bool) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        var last: [String: Any] = [:]
        while Date() < deadline {
            let out = try factory(["status", "--json"], cwd: repo).stdout
            let status = (try? JSONSerialization.jsonObject(with: Data(out.utf8))) as? [String: Any] ?? [:]
            last = (status["agents"] as? [[String: Any]])?.first { $0["role"] as? String == "architect" } ?? [:]
            if condition(last) { return last }
            usleep(100_000)
        }
        XCTFail("timed out; the architect: \(last)")
        throw CLIHarnessError.timedOut(["status"])
    }

    private func waitUntilFile(_ path: String, timeout: Double) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !FileManager.default.fileExists(atPath: path) {
            guard Date() < deadline else { XCTFail("no \(path)"); throw CLIHarnessError.timedOut([path]) }
            usleep(50_000)
        }
    }
}
