import FactoryEngine
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// The real Claude Code CLI in its full-screen terminal (in a private tmux server), with the
/// settings factory writes for a run: its hooks tell what it is doing as a person sees it.
///
/// Measured with 2.1.332 (the test prints its figures): PermissionRequest runs within 0.2 s
/// of the permission dialog appearing, usually before it is drawn; Notification
/// `permission_prompt` only ~6 s after it (Claude Code waits before notifying); `idle_prompt`
/// after `messageIdleNotifThresholdMs` at the prompt (60 s unless set; 2 s here). Dismissing
/// a dialog (Esc, or "No") fires no hook at all.
final class RealClaudeTerminalHookTests: FactoryTestCase {
    private var servers: [Process] = []
    private var terminal: TmuxSession?

    override func tearDownWithError() throws {
        terminal?.kill()
        for server in servers { server.terminate() }
        try super.tearDownWithError()
    }

    func testTheHooksSayWaitingAsSoonAsThePermissionDialogShows() throws {
        let claude = try Self.realClaude()
        let port = try startFakeModel(keeping: &servers, [
            ["text": "I will create the file.", "command": "touch made-by-agent.txt"],
            ["text": "Created the file. Done."],
        ])
        let work = root + "/work", run = RunDirectory(root + "/.agent-comms/run/architect")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try ClaudeHookSettings.write(run, factory: Factory.binaryPath)
        let env = claudeEnvironment(claude: claude, port: port)
        let home = env["HOME"] ?? root
        // Every first-run screen answered, and the idle notification after 2 s, not 60.
        let config: [String: Any] = [
            "hasCompletedOnboarding": true, "messageIdleNotifThresholdMs": 2000,
            "customApiKeyResponses": ["approved": ["sk-test"], "rejected": [String]()],
            "projects": [work: ["hasTrustDialogAccepted": true]],
        ]
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: home + "/.claude.json"))
        let t = try TmuxSession(scratch: scratch)
        terminal = t
        let keep = ["PATH", "ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY", "DISABLE_TELEMETRY", "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "HOME"]
        let assignments = keep.compactMap { key in env[key].map { "\(key)=\($0)" } } + ["TERM=xterm-256color"]
        try t.start(["env", "-i"] + assignments + [claude, "--settings", run.claudeSettings, "--permission-mode", "default"],
                    width: 120, height: 40, cwd: work)
        try t.waitFor("the prompt", timeout: 60) { $0.contains("? for shortcuts") }
        let signals = SignalFile(run.signals)
        let rules = HookSignals()
        let now = { Date().timeIntervalSince1970 }
        XCTAssertEqual(rules.read(signals.lastRecords(), now: now()).state, .idle, "at the prompt: SessionStart")

        try t.send("-l", "make a file")
        usleep(300_000)  // keys at once would read as a paste, where Enter is a new line
        try t.send("Enter")
        try t.waitFor("the permission dialog", timeout: 60) { $0.contains("Do you want to proceed") }
        let shown = now()
        let asked = try waitForRecord(signals, timeout: 5) { $0.event == "PermissionRequest" }
        XCTAssertLessThan(asked.time - shown, 1, "the hooks say waiting within 1 s of the dialog (here before it is drawn)")
        XCTAssertEqual(rules.read(signals.lastRecords(), now: now()).state, .waitingInput)
        XCTAssertEqual(asked.detail, "Bash: touch made-by-agent.txt")
        let notified = try waitForRecord(signals, timeout: 20) { $0.event == "Notification" && $0.kind == "permission_prompt" }
        print(String(format: "PermissionRequest %+.2f s from the dialog on screen; Notification permission_prompt %+.2f s", asked.time - shown, notified.time - shown))
        XCTAssertEqual(rules.read(signals.lastRecords(), now: now()).state, .waitingInput)

        try t.send("Enter")  // 1. Yes
        let ran = try waitForRecord(signals, timeout: 30) { $0.event == "PostToolUse" }
        let records = signals.lastRecords()
        let untilRun = records[...(records.firstIndex(of: ran) ?? records.count - 1)]
        XCTAssertEqual(rules.read(Array(untilRun), now: ran.time).state, .working, "running the call")
        _ = try waitForRecord(signals, timeout: 30) { $0.event == "Stop" }
        XCTAssertEqual(rules.read(signals.lastRecords(), now: now()).state, .idle, "the turn's end")
        XCTAssertTrue(FileManager.default.fileExists(atPath: work + "/made-by-agent.txt"))
        let idle = try waitForRecord(signals, timeout: 20) { $0.event == "Notification" && $0.kind == "idle_prompt" }
        let reading = rules.read(signals.lastRecords(), now: now())
        XCTAssertEqual(reading.state, .idle)
        XCTAssertEqual(reading.record, idle)
    }

    private func waitForRecord(_ file: SignalFile, timeout: Double, file path: StaticString = #filePath, line: UInt = #line,
                               _ match: (SignalRecord) -> Bool) throws -> SignalRecord {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let found = file.lastRecords().last(where: match) { return found }
            usleep(10_000)
        }
        let seen = file.lastRecords().map { $0.event + ($0.kind.map { " " + $0 } ?? "") }
        XCTFail("no such record within \(timeout) s; seen: \(seen)", file: path, line: line)
        throw CLIHarnessError.timedOut(["hook record"])
    }
}
