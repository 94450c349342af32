import Foundation
import XCTest

/// A real Claude Code agent asks permission; the dashboard, in a real terminal, shows it and
/// answers it by keystroke.
extension DashboardTmuxTests {
    func testARequestIsAnsweredWithY() throws {
        var servers: [Process] = []
        defer { for server in servers { server.terminate() } }
        let (repo, env) = try claudeAsksToCreateAFile(&servers)
        let t = try open([], width: 160, height: 40, extraEnvironment: env, cwd: repo)
        let asking = try t.waitFor("the request on screen", timeout: 60) { $0.contains("architect asks to run Bash: touch made-by-agent.txt") }
        XCTAssertTrue(asking.contains("waiting_input"), "the agent's state says it waits:\n\(asking)")
        try t.press("y")
        try t.waitFor("the answer") { $0.contains("allowed architect: Bash: touch made-by-agent.txt") }
        try waitUntil("the command to run", timeout: 30) { FileManager.default.fileExists(atPath: repo + "/worktrees/architect/made-by-agent.txt") }
        try t.send("q")
        XCTAssertEqual(try t.waitForExit().status, 0)
        _ = try factory(["kill", "architect"], cwd: repo)
    }

    /// A dashboard quit while an agent waits for an answer: the agent goes on waiting under
    /// its keeper, the next dashboard shows the same request, and `y` still answers it.
    func testARequestSurvivesADashboardRestart() throws {
        var servers: [Process] = []
        defer { for server in servers { server.terminate() } }
        let (repo, env) = try claudeAsksToCreateAFile(&servers)
        let first = try open([], width: 160, height: 40, extraEnvironment: env, cwd: repo)
        try first.waitFor("the request on screen", timeout: 60) { $0.contains("architect asks to run Bash: touch made-by-agent.txt") }
        try first.send("q")
        XCTAssertEqual(try first.waitForExit().status, 0)
        let second = try open([], width: 160, height: 40, extraEnvironment: env, cwd: repo)
        try second.waitFor("the same request after the restart") { $0.contains("architect asks to run Bash: touch made-by-agent.txt") }
        try second.press("y")
        try waitUntil("the command to run", timeout: 30) { FileManager.default.fileExists(atPath: repo + "/worktrees/architect/made-by-agent.txt") }
        try waitUntil("the agent to finish", timeout: 30) { FileManager.default.fileExists(atPath: repo + "/.agent-comms/run/architect/exit.json") }
        try second.send("q")
        XCTAssertEqual(try second.waitForExit().status, 0)
        _ = try factory(["kill", "architect"], cwd: repo)
    }

    /// The whole loop with a real builder: the plan approved with `a`, the builder (the real
    /// Claude Code CLI) writes a file its allow list permits, asks to run a command outside
    /// it and waits; the dashboard shows the request, `y` allows it, the command runs, the
    /// builder marks its task done (allowed by its list), and the pipeline moves on.
    func testABuilderAsksIsAllowedWithYAndThePipelineMovesOn() throws {
        var servers: [Process] = []
        defer { for server in servers { server.terminate() } }
        let claude = try Self.realClaude()
        let repo = try makeSimRepo(preset: "sim")
        // The builder is the real CLI; its allow list is the shipped one.
        let role = try String(contentsOfFile: repo + "/agents/builder.md", encoding: .utf8)
            .replacingOccurrences(of: "preset: sim", with: "preset: claude")
        try role.write(toFile: repo + "/agents/builder.md", atomically: true, encoding: .utf8)
        let worktree = repo + "/worktrees/builder"
        let port = try startFakeModel(keeping: &servers, [
            ["text": "Writing the greeting.", "write": worktree + "/greeting.txt", "content": "hello\n"],
            ["command": "touch built.txt"],
            ["command": "factory task set T2 --status done"],
            ["text": "Done."],
        ])
        try ok("start", "Greet", cwd: repo)
        let t = try open([], width: 160, height: 40, extraEnvironment: terminalEnvironment(claude: claude, port: port), cwd: repo)
        try t.waitFor("the plan to await approval", timeout: 60) { $0.contains("awaits approval") }
        let plan = try String(contentsOfFile: repo + "/.agent-comms/PLAN.md", encoding: .utf8)
        XCTAssertTrue(plan.contains("| T2 | builder |"), "the script marks T2 done; the architect gave the builder T2:\n\(plan)")
        try t.press("a")
        let asking = try t.waitFor("the builder's request", timeout: 60) { $0.contains("builder asks to run Bash: touch built.txt") }
        XCTAssertTrue(FileManager.default.fileExists(atPath: worktree + "/greeting.txt"), "the allowed write ran without asking:\n\(asking)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: worktree + "/built.txt"), "nothing runs before the answer")
        try t.press("y")
        try t.waitFor("the pipeline to move past implementation", timeout: 60) { $0.contains("✓ build") && !$0.contains("builder asks") }
        XCTAssertTrue(FileManager.default.fileExists(atPath: worktree + "/built.txt"), "the allowed command ran")
        let events = (try? String(contentsOfFile: repo + "/.agent-comms/events.jsonl", encoding: .utf8)) ?? ""
        XCTAssertTrue(events.contains("Bash: factory task set T2 --status done: allowed by builder's rule Bash(factory task:*)"), events)
        XCTAssertTrue(events.contains("the builder's tasks are done"), events)
        try t.send("q")
        XCTAssertEqual(try t.waitForExit().status, 0)
        _ = try factory(["kill", "builder"], cwd: repo)
    }

    /// The agent asks a question: the dashboard shows it with its choices, `y` opens the
    /// answer's prompt, a choice's number typed and Enter answer it, and the model reads it.
    func testAQuestionIsAnsweredByTyping() throws {
        var servers: [Process] = []
        defer { for server in servers { server.terminate() } }
        let claude = try Self.realClaude()
        let port = try startFakeModel(keeping: &servers, [
            ["question": "Which greeting?", "choices": "Hello,Howdy"],
            ["text": "Done."],
        ])
        let repo = try makeSimRepo(preset: "claude")
        try ok("start", "Greet", cwd: repo)
        let t = try open([], width: 160, height: 40, extraEnvironment: terminalEnvironment(claude: claude, port: port), cwd: repo)
        try t.waitFor("the question on screen", timeout: 60) { $0.contains("architect asks: Which greeting? 1 Hello · 2 Howdy") }
        try t.press("y")
        try t.waitFor("the answer's prompt") { $0.contains("architect asks Which greeting? 1 Hello · 2 Howdy — your answer:") }
        try t.send("2")
        try t.send("Enter")
        try t.waitFor("the answer sent") { $0.contains("answered architect: Which greeting? → Howdy") }
        try waitUntil("the model to read it", timeout: 30) {
            ((try? String(contentsOfFile: self.root + "/port.log", encoding: .utf8)) ?? "").components(separatedBy: "tool_result").dropFirst().joined().contains("Howdy")
        }
        try t.send("q")
        XCTAssertEqual(try t.waitForExit().status, 0)
        _ = try factory(["kill", "architect"], cwd: repo)
    }

    /// A factory whose architect, the real Claude Code CLI, will ask to run
    /// `touch made-by-agent.txt`; the environment a dashboard needs to run it.
    private func claudeAsksToCreateAFile(_ servers: inout [Process]) throws -> (String, [String: String]) {
        let claude = try Self.realClaude()
        let port = try startFakeModel(keeping: &servers, [
            ["text": "I will create the file.", "command": "touch made-by-agent.txt"],
            ["text": "Created the file. Done."],
        ])
        let repo = try makeSimRepo(preset: "claude")
        try ok("start", "Create a file", cwd: repo)
        return (repo, terminalEnvironment(claude: claude, port: port))
    }

    /// The fake model's environment for a dashboard under `env -i` in tmux.
    private func terminalEnvironment(claude: String, port: String) -> [String: String] {
        let env = claudeEnvironment(claude: claude, port: port)
        return ["PATH": env["PATH"] ?? "", "ANTHROPIC_BASE_URL": env["ANTHROPIC_BASE_URL"] ?? "", "ANTHROPIC_API_KEY": "sk-test",
                "DISABLE_TELEMETRY": "1", "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1", "HOME": env["HOME"] ?? ""]
    }
}
