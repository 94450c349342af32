import FactoryEngine
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// The real Claude Code CLI full screen, in a factory terminal session (`session: tmux`):
/// its permission prompt makes it `waiting_input` within a second of showing — by the
/// screen rules alone, and by its hooks alone — `factory allow` answers it, it goes
/// `working`, then `idle` at the end of its turn.
final class RealClaudeSessionTests: FactoryTestCase {
    private var servers: [Process] = []

    override func tearDownWithError() throws {
        for server in servers { server.terminate() }
        try super.tearDownWithError()
    }

    /// No hooks (a command without `--settings`): the screen rules read the prompt, which
    /// becomes a request answered by its allow key.
    func testByTheScreenAlone() throws {
        let (repo, env) = try sessionFactory(command: #"command: ["claude", "--permission-mode", "default", "{prompt}"]"#)
        let (waiting, lag) = try runUntilWaiting(repo, env)
        XCTAssertLessThan(lag, 1.0, "waiting_input within a second of the prompt on screen")
        let request = waiting["request"] as? [String: Any]
        XCTAssertEqual(request?["tool"] as? String, "Screen")
        XCTAssertTrue((request?["summary"] as? String ?? "").contains("touch made-by-agent.txt"), "\(waiting)")
        let explained = try ok("explain", "architect", cwd: repo).stdout
        XCTAssertTrue(explained.contains("screen: rule permission"), explained)
        try allowAndFinish(repo)
    }

    /// Hooks (the preset's `--settings`), and screen rules that read nothing: the hooks
    /// alone say it waits, then works, then is idle.
    func testByItsHooksAlone() throws {
        let config = root + "/config/factory/screens"
        try FileManager.default.createDirectory(atPath: config, withIntermediateDirectories: true)
        try """
        cli: claude
        untested: a rule that never matches, so that only the hooks speak
        rules:
          - name: never
            state: working
            all: [{text: "no screen ever shows this line"}]
        """.write(toFile: config + "/claude.yaml", atomically: true, encoding: .utf8)
        var (repo, env) = try sessionFactory(command: "preset: claude")
        env["XDG_CONFIG_HOME"] = root + "/config"
        let (waiting, lag) = try runUntilWaiting(repo, env)
        XCTAssertLessThan(lag, 1.0, "waiting_input within a second of the prompt on screen")
        XCTAssertNil(waiting["request"] as? [String: Any], "no rule read the prompt: no keys to answer it with")
        let explained = try ok("explain", "architect", cwd: repo).stdout
        XCTAssertTrue(explained.hasPrefix("architect: waiting_input, decided by hooks"), explained)
        // Not at once (a hook says waiting a moment before the prompt is drawn): a while on.
        let deadline = Date().addingTimeInterval(10)
        var status = ""
        while !status.contains("architect waits for you in its terminal: o opens it") && Date() < deadline {
            status = try ok("status", cwd: repo).stdout
            usleep(200_000)
        }
        XCTAssertTrue(status.contains("architect waits for you in its terminal: o opens it"), status)
        // Answered in its terminal, as the attention item says (factory send types "1").
        try ok("send", "architect", "1", cwd: repo)
        try waitUntilFile(repo + "/worktrees/architect/made-by-agent.txt", timeout: 30)
        _ = try waitForAgent(repo, timeout: 30) { $0["state"] as? String == "idle" }
    }

    /// A factory whose architect is the real CLI in a session (`front` its launch line),
    /// the fake model scripted to run one command; the environment its driver needs.
    private func sessionFactory(command front: String) throws -> (String, [String: String]) {
        let claude = try Self.realClaude()
        let port = try startFakeModel(keeping: &servers, [
            ["text": "I will create the file.", "command": "touch made-by-agent.txt"],
            ["text": "Created the file. Done."],
        ])
        let repo = try makeSimRepo(preset: "claude")
        let role = try String(contentsOfFile: repo + "/agents/architect.md", encoding: .utf8)
            .replacingOccurrences(of: "preset: claude", with: front + "\nsession: tmux")
        try role.write(toFile: repo + "/agents/architect.md", atomically: true, encoding: .utf8)
        var env = claudeEnvironment(claude: claude, port: port)
        // The CLI's first-run screens, answered as by a person who has used it before.
        let settings: [String: Any] = [
            "hasCompletedOnboarding": true,
            "customApiKeyResponses": ["approved": ["sk-test"], "rejected": [String]()],
            "projects": [repo + "/worktrees/architect": ["hasTrustDialogAccepted": true]],
        ]
        try JSONSerialization.data(withJSONObject: settings).write(to: URL(fileURLWithPath: env["HOME"]! + "/.claude.json"))
        env["TMUX"] = nil
        try ok("start", "Create a file", cwd: repo)
        addTeardownBlock {
            _ = try? self.factory(["kill", "architect"], cwd: repo)
            // And the sessions' server: its keeper, hung up, ends whatever still runs there.
            _ = ProcessRunner.run(["tmux", "-L", TerminalSessions(root: repo).socket, "kill-server"])
        }
        return (repo, env)
    }

    /// Drives the factory until the architect waits; how long after its prompt showed on
    /// the session's screen the state said so.
    private func runUntilWaiting(_ repo: String, _ env: [String: String]) throws -> ([String: Any], Double) {
        let driver = try startDriver(in: repo, environment: env)
        addTeardownBlock { driver.terminate() }
        let json = try ok("status", "--json", cwd: repo).stdout
        let socket = ((try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["agents"] as? [[String: Any]])?
            .first { $0["role"] as? String == "architect" }.flatMap { ($0["session"] as? [String: Any])?["socket"] as? String }
        let deadline = Date().addingTimeInterval(60)
        var shown: Date?
        while Date() < deadline {
            if shown == nil, let socket, screen(socket).contains("Do you want to proceed?") { shown = Date() }
            let agent = try architect(repo)
            if agent["state"] as? String == "waiting_input" {
                let seen = Date()
                if shown == nil, let socket, screen(socket).contains("Do you want to proceed?") { shown = seen }
                let lag = seen.timeIntervalSince(shown ?? seen)
                print(String(format: "waiting_input %.0f ms after the prompt showed on screen", lag * 1000))
                return (agent, lag)
            }
            usleep(20_000)
        }
        XCTFail("the architect never waited: \(try architect(repo))")
        throw CLIHarnessError.timedOut(["status"])
    }

    private func allowAndFinish(_ repo: String) throws {
        XCTAssertFalse(FileManager.default.fileExists(atPath: repo + "/worktrees/architect/made-by-agent.txt"), "nothing ran before the answer")
        XCTAssertTrue(try ok("allow", "architect", cwd: repo).stdout.hasPrefix("allowed architect: "))
        try waitUntilFile(repo + "/worktrees/architect/made-by-agent.txt", timeout: 30)
        _ = try waitForAgent(repo, timeout: 30) { $0["state"] as? String == "idle" }
        let events = (try? String(contentsOfFile: repo + "/.agent-comms/events.jsonl", encoding: .utf8)) ?? ""
        XCTAssertTrue(events.contains("architect asks on its screen"), events)
    }

    private func screen(_ socket: String) -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["tmux", "-L", socket, "capture-pane", "-p", "-t", "=architect:"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return "" }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    private func architect(_ repo: String) throws -> [String: Any] {
        let out = try factory(["status", "--json"], cwd: repo).stdout
        let status = (try? JSONSerialization.jsonObject(with: Data(out.utf8))) as? [String: Any] ?? [:]
        return (status["agents"] as? [[String: Any]])?.first { $0["role"] as? String == "architect" } ?? [:]
    }

    private func waitForAgent(_ repo: String, timeout: Double, _ condition: ([String: Any]) -> Bool) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        var last: [String: Any] = [:]
        while Date() < deadline {
            last = try architect(repo)
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
