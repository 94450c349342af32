import FactoryEngine
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// The real Claude Code CLI (from PyPI's claude-agent-sdk wheel; `.ci/fetch-claude`) against
/// the scripted fake Messages API in Tests/Fixtures, driven by factory as a user would.
final class RealClaudeTests: FactoryTestCase {
    private var claude = ""
    private var servers: [Process] = []
    /// The fake model's port, for a second driver.
    private var modelPort = ""

    override func setUpWithError() throws {
        claude = try Self.realClaude()
        try super.setUpWithError()
    }

    override func tearDownWithError() throws {
        for server in servers { server.terminate() }
        try super.tearDownWithError()
    }

    /// The default preset: `claude -p` runs under its keeper with an empty stdin (no wait
    /// for input), its reply reaches the log, and its exit status is recorded.
    func testTheClaudePresetRunsUnderItsKeeper() throws {
        let port = try startFakeModel(keeping: &servers, [["text": "## Design: greet\n\nThe design is ready."]])
        let repo = try makeSimRepo(preset: "claude")
        try ok("start", "Greet the user", cwd: repo)
        let driver = Process()
        driver.executableURL = URL(fileURLWithPath: Factory.binaryPath)
        driver.arguments = ["run", "--headless"]
        driver.currentDirectoryURL = URL(fileURLWithPath: repo)
        driver.environment = claudeEnvironment(claude: claude, port: port)
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
        try stop(driver, repo)
    }

    /// The agent asks to run a command; it waits, `status` shows the request as the first
    /// attention item, `factory allow` answers it once, the command runs, the agent finishes,
    /// and what it cost is known.
    func testAPermissionRequestIsShownAndAnsweredOnce() throws {
        let (repo, driver) = try claudeFactory("Create a file", [
            ["text": "I will create the file.", "tool": "Bash", "command": "touch made-by-agent.txt"],
            ["text": "Created the file. Done."],
        ])
        defer { driver.terminate() }
        let waiting = try waitForStatus(repo) { agent($0, "architect")?["state"] as? String == "waiting_input" }
        let request = agent(waiting, "architect")?["request"] as? [String: Any]
        XCTAssertEqual(request?["summary"] as? String, "Bash: touch made-by-agent.txt", "\(waiting)")
        let attention = waiting["attention"] as? [[String: Any]]
        XCTAssertEqual(attention?.first?["kind"] as? String, "request", "a waiting agent is the first thing to look at")
        XCTAssertFalse(FileManager.default.fileExists(atPath: repo + "/worktrees/architect/made-by-agent.txt"), "nothing runs before the answer")

        XCTAssertEqual(try ok("allow", "architect", cwd: repo).stdout, "allowed architect: Bash: touch made-by-agent.txt\n")
        let again = try factory(["allow", "architect"], cwd: repo)
        XCTAssertEqual(again.stderr, "Error: architect has no request waiting for an answer\n", "an answer reaches the agent once")
        let ended = try waitForStatus(repo) { agent($0, "architect")?["exitCode"] as? Int == 0 }
        XCTAssertTrue(FileManager.default.fileExists(atPath: repo + "/worktrees/architect/made-by-agent.txt"), "the allowed command ran")
        XCTAssertGreaterThan(agent(ended, "architect")?["costUSD"] as? Double ?? 0, 0)
        XCTAssertGreaterThan((agent(ended, "architect")?["tokens"] as? [String: Any])?["output"] as? Int ?? 0, 0)
        XCTAssertGreaterThan(ended["costUSD"] as? Double ?? 0, 0, "the total")
        try stop(driver, repo)
    }

    /// The agent's own hooks, registered by the settings file the claude preset passes
    /// (`--settings`), tell its state: waiting while its Bash call waits for an answer,
    /// working once it runs, idle at its turn's end. Seen in `-p` with the stdio permission
    /// tool: PermissionRequest fires just before the request reaches factory, and no
    /// Notification at all (that comes from the full-screen terminal; see
    /// RealClaudeTerminalHookTests).
    func testTheAgentsHooksTellItsState() throws {
        let (repo, driver) = try claudeFactory("Create a file", [
            ["text": "I will create the file.", "command": "touch made-by-agent.txt"],
            ["text": "Created the file. Done."],
        ])
        defer { driver.terminate() }
        _ = try waitForStatus(repo) { agent($0, "architect")?["state"] as? String == "waiting_input" }
        let run = RunDirectory(repo + "/.agent-comms/run/architect")
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.claudeSettings), "the run's settings file")
        let waiting = try explain(repo)
        XCTAssertEqual(waiting["state"] as? String, "waiting_input", "\(waiting)")
        XCTAssertEqual(waiting["decidedBy"] as? String, "hooks")
        let record = ((waiting["signals"] as? [[String: Any]])?.first?["record"] as? [String: Any]) ?? [:]
        XCTAssertEqual(record["event"] as? String, "PermissionRequest", "\(waiting)")
        XCTAssertEqual(record["detail"] as? String, "Bash: touch made-by-agent.txt")

        try ok("allow", "architect", cwd: repo)
        _ = try waitForStatus(repo) { agent($0, "architect")?["exitCode"] as? Int == 0 }
        let records = SignalFile(run.signals).lastRecords()
        let events = records.map { $0.event + ($0.tool.map { " " + $0 } ?? "") }
        let expected = ["SessionStart", "UserPromptSubmit", "PreToolUse Bash", "PermissionRequest Bash", "PostToolUse Bash", "Stop"]
        XCTAssertEqual(Array(events.prefix(expected.count)), expected, "\(events)")
        XCTAssertFalse(events.contains { $0.hasPrefix("Notification") }, "no notification in -p: \(events)")
        // The reader at each moment of the run: as each record arrived.
        let rules = HookSignals()
        let states = records.indices.map { rules.read(Array(records[...$0]), now: records[$0].time).state }
        XCTAssertEqual(Array(states.prefix(expected.count)), [.idle, .working, .working, .waitingInput, .working, .idle])
        XCTAssertEqual(try explain(repo)["state"] as? String, "idle", "at the end")
        try stop(driver, repo)
    }

    private func explain(_ repo: String) throws -> [String: Any] {
        let r = try ok("explain", "architect", "--json", cwd: repo)
        return (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]) ?? [:]
    }

    /// A denial reaches the agent with its reason, as the tool's result.
    func testADenialReachesTheAgentWithItsReason() throws {
        let (repo, driver) = try claudeFactory("Clean up", [
            ["tool": "Bash", "command": "rm -rf build"],
            ["text": "Understood."],
        ])
        defer { driver.terminate() }
        _ = try waitForStatus(repo) { agent($0, "architect")?["state"] as? String == "waiting_input" }
        XCTAssertEqual(try ok("deny", "architect", "--reason", "Keep the build folder.", cwd: repo).stdout, "denied architect: Bash: rm -rf build\n")
        let log = root + "/port.log"
        let deadline = Date().addingTimeInterval(30)
        while !((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("Keep the build folder.") && Date() < deadline { usleep(50_000) }
        XCTAssertTrue(((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("Keep the build folder."), "the model saw the reason")
        try stop(driver, repo)
    }

    /// Always allowing a call lets calls like it run without asking, for the agent's session.
    func testAlwaysAllowingLetsTheNextLikeCallRunWithoutAsking() throws {
        let (repo, driver) = try claudeFactory("Twice", [
            ["command": "touch first.txt"],
            ["command": "touch first.txt"],
            ["text": "Both done."],
        ])
        defer { driver.terminate() }
        _ = try waitForStatus(repo) { agent($0, "architect")?["state"] as? String == "waiting_input" }
        let said = try ok("allow", "architect", "--always", cwd: repo).stdout
        XCTAssertTrue(said.hasPrefix("always allowed architect: Bash: touch first.txt; rule Bash("), said)
        let rule = try XCTUnwrap(said.components(separatedBy: "; rule ").last?.components(separatedBy: " is in agents/").first)
        let file = try String(contentsOfFile: repo + "/agents/architect.md", encoding: .utf8)
        XCTAssertTrue(file.contains("\"\(rule)\""), "the rule joined the role's allow list: \(file)")
        let ended = try waitForStatus(repo) { agent($0, "architect")?["exitCode"] as? Int == 0 || agent($0, "architect")?["request"] is [String: Any] }
        XCTAssertEqual(agent(ended, "architect")?["exitCode"] as? Int, 0, "the second call ran without asking: \(ended)")
        let events = (try? String(contentsOfFile: repo + "/.agent-comms/events.jsonl", encoding: .utf8)) ?? ""
        XCTAssertEqual(events.components(separatedBy: "permission_request").count - 1, 1, events)
        try stop(driver, repo)
    }

    /// The role's allow and deny lists answer without a human: the allowed call runs at once,
    /// the denied one is refused with the rule named, and both are events.
    func testTheRolesListsAnswerWithoutAHuman() throws {
        let (repo, driver) = try claudeFactory("By the rules", [
            ["command": "touch allowed.txt"],
            ["command": "rm -rf build"],
            ["text": "Done."],
        ]) { repo in
            let role = try String(contentsOfFile: repo + "/agents/architect.md", encoding: .utf8)
                .replacingOccurrences(of: "deny: [\"Bash(git push:*)\"]", with: "deny: [\"Bash(rm:*)\"]")
                .replacingOccurrences(of: "allow: [", with: "allow: [\"Bash(touch:*)\", ")
            try role.write(toFile: repo + "/agents/architect.md", atomically: true, encoding: .utf8)
        }
        defer { driver.terminate() }
        let ended = try waitForStatus(repo) { agent($0, "architect")?["exitCode"] is Int || agent($0, "architect")?["request"] is [String: Any] }
        XCTAssertEqual(agent(ended, "architect")?["exitCode"] as? Int, 0, "nobody was asked: \(ended)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: repo + "/worktrees/architect/allowed.txt"))
        let events = (try? String(contentsOfFile: repo + "/.agent-comms/events.jsonl", encoding: .utf8)) ?? ""
        XCTAssertTrue(events.contains("Bash: touch allowed.txt: allowed by architect's rule Bash(touch:*)"), events)
        XCTAssertTrue(events.contains("Bash: rm -rf build: denied by architect's rule Bash(rm:*)"), events)
        XCTAssertTrue(events.contains("\"kind\":\"tool_use\""), "tool calls are events")
        XCTAssertTrue(events.contains("\"kind\":\"cost\""), "a finished turn's cost is an event")
        let seen = (try? String(contentsOfFile: root + "/port.log", encoding: .utf8)) ?? ""
        XCTAssertTrue(seen.contains("Denied by factory's rule Bash(rm:*)"), "the model was told why")
        try stop(driver, repo)
    }

    /// The agent asks the human a question (AskUserQuestion): it is shown with its choices,
    /// `allow` is refused (it wants an answer, not a yes), a choice's number answers it, and
    /// the model reads the chosen label.
    func testAQuestionIsShownWithItsChoicesAndAnsweredByTyping() throws {
        let (repo, driver) = try claudeFactory("Greet", [
            ["question": "Which greeting should the command print?", "choices": "Hello,Howdy"],
            ["text": "Going with it."],
        ])
        defer { driver.terminate() }
        let waiting = try waitForStatus(repo) { agent($0, "architect")?["state"] as? String == "waiting_input" }
        let attention = (waiting["attention"] as? [[String: Any]])?.first?["message"] as? String
        XCTAssertEqual(attention, "architect asks: Which greeting should the command print? 1 Hello · 2 Howdy — whole in the request view and factory status; y answers, n declines (factory answer architect TEXT)")
        let refused = try factory(["allow", "architect"], cwd: repo)
        XCTAssertEqual(refused.status, 1, refused.summary)
        XCTAssertTrue(refused.stderr.contains("asks a question, not a permission"), refused.summary)
        XCTAssertEqual(try factory(["answer", "architect"], cwd: repo).status, 64, "an answer is needed")
        XCTAssertEqual(try ok("answer", "architect", "2", cwd: repo).stdout,
                       "answered architect: Which greeting should the command print? → Howdy\n")
        let log = root + "/port.log"
        let deadline = Date().addingTimeInterval(30)
        func seen() -> String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        func answered() -> String { seen().components(separatedBy: "tool_result").dropFirst().joined() }
        while !answered().contains("Howdy") && Date() < deadline { usleep(50_000) }
        XCTAssertTrue(answered().contains("Howdy"), "the model read the answer: \(seen().suffix(2000))")
        try stop(driver, repo)
    }

    /// A request made while no factory drives is not lost: the next driver reads the agent's
    /// attempt back from its log, finds the request nothing followed, and answers it by the
    /// role's lists (here: git push, denied) — the agent goes on and finishes.
    func testARequestMadeWhileNothingDrivesIsAnsweredByTheNextDriver() throws {
        let (repo, driver) = try claudeFactory("Ship it", [
            ["command": "touch first.txt"],
            ["command": "git push origin main"],
            ["text": "Done."],
        ])
        _ = try waitForStatus(repo) { agent($0, "architect")?["state"] as? String == "waiting_input" }
        kill(driver.processIdentifier, SIGKILL)
        driver.waitUntilExit()
        XCTAssertEqual(try ok("allow", "architect", cwd: repo).stdout, "allowed architect: Bash: touch first.txt\n")
        // The agent now asks about git push with nothing driving: the request sits in its log.
        let log = repo + "/.agent-comms/logs/architect.log"
        let deadline = Date().addingTimeInterval(30)
        // The request's whole line in the log (a line is whole once its newline follows it).
        func asked() -> Bool {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
                .contains { $0.contains("control_request") && $0.contains("git push origin main") }
        }
        while !asked() && Date() < deadline { usleep(50_000) }
        XCTAssertTrue(asked(), "the agent asked about git push while nothing drove")
        let next = try startClaudeDriver(repo, port: modelPort)
        defer { next.terminate() }
        let ended = try waitForStatus(repo) { agent($0, "architect")?["exitCode"] is Int }
        XCTAssertEqual(agent(ended, "architect")?["exitCode"] as? Int, 0, "the agent went on and finished: \(ended)")
        let events = (try? String(contentsOfFile: repo + "/.agent-comms/events.jsonl", encoding: .utf8)) ?? ""
        XCTAssertTrue(events.contains("Bash: git push origin main: denied by architect's rule Bash(git push:*)"), events)
        try stop(next, repo)
    }

    /// A factory whose agents are the real CLI talking to the fake model playing `turns`, a
    /// feature started, and its driver running; `prepare` edits the repository first.
    private func claudeFactory(_ feature: String, _ turns: [[String: String]],
                               prepare: (String) throws -> Void = { _ in }) throws -> (String, Process) {
        let port = try startFakeModel(keeping: &servers, turns)
        modelPort = port
        let repo = try makeSimRepo(preset: "claude")
        try prepare(repo)
        try ok("start", feature, cwd: repo)
        return (repo, try startClaudeDriver(repo, port: port))
    }

    /// Stops the driver, then any architect still running (a retry may have started).
    private func stop(_ driver: Process, _ repo: String) throws {
        driver.terminate()
        driver.waitUntilExit()
        _ = try factory(["kill", "architect"], cwd: repo)
    }

    private func startClaudeDriver(_ repo: String, port: String) throws -> Process {
        try startDriver(in: repo, environment: claudeEnvironment(claude: claude, port: port))
    }
}
