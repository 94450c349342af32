import FactoryEngine
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// The built-in Claude Code screen rules against the real full-screen TUI: claude runs in a
/// private tmux server against the scripted fake Messages API, and a ScreenReader reads
/// `tmux capture-pane` as a poller would.
final class ScreenRulesLiveTests: FactoryTestCase {
    private var claude = ""
    private var servers: [Process] = []
    private var session: TmuxSession?

    override func setUpWithError() throws {
        claude = try Self.realClaude()
        try super.setUpWithError()
    }

    override func tearDownWithError() throws {
        session?.kill()
        for server in servers { server.terminate() }
        try super.tearDownWithError()
    }

    /// The permission prompt reads waiting_input within a second of showing, with its
    /// command and keys; the allow key runs the command; then working, then idle.
    func testClaudesScreenReadsWaitingThenWorkingThenIdle() throws {
        let port = try startFakeModel(keeping: &servers, [
            ["text": "I will make the file.", "command": "touch made-by-agent.txt"],
            ["text": "Made the file. Now a longer word on what it holds and why it is there at all, slowly.", "stream_seconds": "4"],
        ])
        let project = try claudeProject()
        let t = try TmuxSession(scratch: scratch)
        session = t
        let env = claudeEnvironment(claude: claude, port: port)
        let keep = ["HOME", "ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY", "DISABLE_TELEMETRY", "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"]
        try t.start(["env", "TERM=xterm-256color"] + keep.map { "\($0)=\(env[$0] ?? "")" } + [claude, "--permission-mode", "default"],
                    width: 100, height: 30, cwd: project)
        var reader = ScreenReader(rules: try ScreenRules.load("claude", userDirectory: nil))

        _ = try poll(t, &reader, "the idle prompt", timeout: 60) { reading, _ in reading.state == .idle }
        try t.send("Make the file", "Enter")

        var shownAt: Double?
        let (waiting, readAt) = try poll(t, &reader, "the permission prompt", timeout: 60) { reading, screen in
            if shownAt == nil && screen.contains("Do you want to proceed?") { shownAt = monotonic() }
            return reading.state == .waitingInput
        }
        let delay = readAt - (shownAt ?? readAt)
        XCTAssertLessThanOrEqual(delay, 1, "waiting_input read \(delay) s after the prompt showed")
        XCTAssertEqual(waiting.prompt, "touch made-by-agent.txt")
        XCTAssertEqual(waiting.keys?.allow, ["1"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: project + "/made-by-agent.txt"), "nothing runs before the answer")

        // Claude Code drops a key pressed as its prompt appears: wait out the keys' `after`.
        let wait = (waiting.since ?? readAt) + (waiting.keys?.after ?? 0) - monotonic()
        if wait > 0 { usleep(UInt32(wait * 1e6)) }
        try t.send(waiting.keys?.allow ?? [])
        var seen: [ScreenState] = []
        _ = try poll(t, &reader, "working, then idle", timeout: 60) { reading, _ in
            // A frame between two states may read unknown; the order of the others is the test.
            if reading.state != .unknown && seen.last != reading.state { seen.append(reading.state) }
            return reading.state == .idle
        }
        XCTAssertEqual(seen, [.waitingInput, .working, .idle], "the states after the answer")
        XCTAssertTrue(FileManager.default.fileExists(atPath: project + "/made-by-agent.txt"), "the allowed command ran")
    }

    /// A folder claude trusts, in the fresh HOME of `claudeEnvironment` (no first-run screens).
    private func claudeProject() throws -> String {
        let project = URL(fileURLWithPath: root + "/project").resolvingSymlinksInPath().path
        try FileManager.default.createDirectory(atPath: project, withIntermediateDirectories: true)
        let home = root + "/claude-home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let settings: [String: Any] = [
            "hasCompletedOnboarding": true,
            "customApiKeyResponses": ["approved": ["sk-test"], "rejected": [String]()],
            "projects": [project: ["hasTrustDialogAccepted": true]],
        ]
        try JSONSerialization.data(withJSONObject: settings).write(to: URL(fileURLWithPath: home + "/.claude.json"))
        return project
    }

    /// Captures and reads the screen every 50 ms until `done`; the reading and when it came.
    private func poll(_ t: TmuxSession, _ reader: inout ScreenReader, _ what: String, timeout: Double,
                      _ done: (ScreenReading, String) -> Bool) throws -> (ScreenReading, Double) {
        let deadline = monotonic() + timeout
        var screen = ""
        while monotonic() < deadline {
            screen = try t.capture()
            let now = monotonic()
            let reading = reader.read(screen, now: now)
            if done(reading, screen) { return (reading, now) }
            usleep(50_000)
        }
        XCTFail("timed out after \(timeout) s waiting for \(what); the screen:\n\(screen)")
        throw TmuxError.timedOut(what)
    }
}

private func monotonic() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) / 1e9
}

extension TmuxSession {
    func send(_ keys: [String]) throws {
        try tmux(["send-keys", "-t", "t"] + keys)
    }
}
