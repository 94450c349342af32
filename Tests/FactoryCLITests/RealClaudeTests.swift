import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// The real Claude Code CLI (from PyPI's claude-agent-sdk wheel; `.ci/fetch-claude`) against
/// the scripted fake Messages API in Tests/Fixtures, driven by factory as a user would.
final class RealClaudeTests: FactoryTestCase {
    private var claude = ""
    private var server: Process?

    override func setUpWithError() throws {
        let path = ProcessInfo.processInfo.environment["FACTORY_TEST_CLAUDE"] ?? ""
        guard !path.isEmpty, FileManager.default.isExecutableFile(atPath: path) else {
            throw XCTSkip("the real Claude Code CLI is not here: set FACTORY_TEST_CLAUDE to what .ci/fetch-claude prints (CI does; it needs PyPI)")
        }
        claude = path
        try super.setUpWithError()
    }

    override func tearDownWithError() throws {
        server?.terminate()
        try super.tearDownWithError()
    }

    /// The default preset: `claude -p` runs under its keeper with an empty stdin (no wait
    /// for input), its reply reaches the log, and its exit status is recorded.
    func testTheClaudePresetRunsUnderItsKeeper() throws {
        let port = try startFakeModel([["text": "## Design: greet\n\nThe design is ready."]])
        let repo = try makeSimRepo(preset: "claude")
        try ok("start", "Greet the user", cwd: repo)
        let driver = Process()
        driver.executableURL = URL(fileURLWithPath: Factory.binaryPath)
        driver.arguments = ["run", "--headless"]
        driver.currentDirectoryURL = URL(fileURLWithPath: repo)
        driver.environment = claudeEnvironment(port: port)
        driver.standardInput = FileHandle.nullDevice
        driver.standardOutput = FileHandle.nullDevice
        driver.standardError = FileHandle.nullDevice
        try driver.run()
        defer { driver.terminate() }
        let events = repo + "/.agent-comms/events.jsonl"
        let deadline = Date().addingTimeInterval(60)
        func read() -> String { (try? String(contentsOfFile: events, encoding: .utf8)) ?? "" }
        while !read().contains("architect exited") && !read().contains("architect failed") && Date() < deadline { usleep(50_000) }
        XCTAssertTrue(read().contains("architect exited (status 0)"), read())
        let log = (try? String(contentsOfFile: repo + "/.agent-comms/logs/architect.log", encoding: .utf8)) ?? ""
        XCTAssertTrue(log.contains("The design is ready."), "the model's reply is in the log:\n\(log)")
        XCTAssertFalse(log.contains("no stdin data received"), "claude -p is not kept waiting for input:\n\(log)")
        // A retry may have started meanwhile: stop the driver, then any architect still running.
        driver.terminate()
        driver.waitUntilExit()
        _ = try factory(["kill", "architect"], cwd: repo)
    }

    /// The scripted fake Messages API on an ephemeral loopback port; returns the port.
    private func startFakeModel(_ turns: [[String: String]]) throws -> String {
        let script = root + "/script.json", portFile = root + "/port"
        try JSONSerialization.data(withJSONObject: turns).write(to: URL(fileURLWithPath: script))
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/fake-anthropic.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", fixture, script, portFile]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        server = process
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let port = try? String(contentsOfFile: portFile, encoding: .utf8), !port.isEmpty { return port }
            usleep(20_000)
        }
        throw CLIHarnessError.timedOut(["fake-anthropic.py"])
    }

    /// What the real CLI needs to talk to the fake: its address, a key, no telemetry, a
    /// home of its own; `claude` on PATH.
    private func claudeEnvironment(port: String) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        let home = root + "/claude-home"
        try? FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        env["PATH"] = URL(fileURLWithPath: claude).deletingLastPathComponent().path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env["ANTHROPIC_BASE_URL"] = "http://127.0.0.1:\(port)"
        env["ANTHROPIC_API_KEY"] = "sk-test"
        env["DISABLE_TELEMETRY"] = "1"
        env["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1"
        env["HOME"] = home
        return env
    }
}
