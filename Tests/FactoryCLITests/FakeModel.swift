import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// The real agent CLIs' surroundings in tests: the scripted fake model APIs in
/// Tests/Fixtures (Anthropic's Messages API for Claude Code, an OpenAI-compatible chat API for
/// aider) and the environments that point the CLIs at them.
extension FactoryTestCase {
    /// The CLI from `.ci/fetch-claude` (FACTORY_TEST_CLAUDE), or a skip saying how to get it.
    static func realClaude() throws -> String {
        try realCLI("FACTORY_TEST_CLAUDE", "the real Claude Code CLI", fetchedBy: ".ci/fetch-claude")
    }

    /// aider from `.ci/fetch-aider` (FACTORY_TEST_AIDER), or a skip saying how to get it.
    static func realAider() throws -> String {
        try realCLI("FACTORY_TEST_AIDER", "real aider", fetchedBy: ".ci/fetch-aider")
    }

    private static func realCLI(_ variable: String, _ name: String, fetchedBy script: String) throws -> String {
        let path = ProcessInfo.processInfo.environment[variable] ?? ""
        guard !path.isEmpty, FileManager.default.isExecutableFile(atPath: path) else {
            let why = "\(name) is not here: set \(variable) to what \(script) prints (CI does; it needs PyPI)"
            // Under CI every real CLI is fetched: one missing is a failure, never a quiet skip.
            guard ProcessInfo.processInfo.environment["CI"] == "true" else { throw XCTSkip(why) }
            XCTFail(why)
            throw CLIHarnessError.missingTool(name)
        }
        return path
    }

    /// The scripted fake Messages API on an ephemeral loopback port; returns the port.
    func startFakeModel(keeping servers: inout [Process], _ turns: [[String: String]]) throws -> String {
        // A turn's "command" is a Bash tool call with that command; its "write" (with
        // "content") a Write call; its "question" (with "choices", comma-separated) an
        // AskUserQuestion call; "tool" with "input_json" any other call (Read, Edit); its
        // "stream_seconds" spreads its text over that time.
        let scripted: [[String: Any]] = turns.map { turn in
            var out: [String: Any] = turn.filter { $0.key == "text" }
            if let seconds = turn["stream_seconds"].flatMap(Double.init) { out["stream_seconds"] = seconds }
            if let command = turn["command"] { out["tool"] = "Bash"; out["input"] = ["command": command, "description": "Run it"] }
            if let path = turn["write"] { out["tool"] = "Write"; out["input"] = ["file_path": path, "content": turn["content"] ?? ""] }
            // Any other tool: its name and its input as JSON text ("tool", "input_json").
            if let tool = turn["tool"], let json = turn["input_json"],
               let input = try? JSONSerialization.jsonObject(with: Data(json.utf8)) {
                out["tool"] = tool
                out["input"] = input
            }
            if let question = turn["question"] {
                let choices = (turn["choices"] ?? "").split(separator: ",").map { ["label": String($0), "description": "The \($0) one"] }
                out["tool"] = "AskUserQuestion"
                out["input"] = ["questions": [["question": question, "header": "Choice", "options": choices, "multiSelect": false] as [String: Any]]]
            }
            return out
        }
        return try startFixtureServer("fake-anthropic.py", script: scripted, portFile: root + "/port", keeping: &servers)
    }

    /// The scripted fake OpenAI-compatible API playing `replies` (see fake-openai.py: text,
    /// match, chunk, delay); returns the port. Its requests are logged to `root/openai-port.log`.
    func startFakeOpenAI(keeping servers: inout [Process], _ replies: [[String: Any]]) throws -> String {
        try startFixtureServer("fake-openai.py", script: replies, portFile: root + "/openai-port", keeping: &servers)
    }

    private func startFixtureServer(_ fixture: String, script: [[String: Any]], portFile: String,
                                    keeping servers: inout [Process]) throws -> String {
        let scriptPath = portFile + ".script.json"
        try JSONSerialization.data(withJSONObject: script).write(to: URL(fileURLWithPath: scriptPath))
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", fixtures.appendingPathComponent(fixture).path, scriptPath, portFile]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        servers.append(process)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let port = try? String(contentsOfFile: portFile, encoding: .utf8), !port.isEmpty { return port }
            usleep(20_000)
        }
        throw CLIHarnessError.timedOut([fixture])
    }

    /// What the real CLI needs to talk to the fake: its address, a key, no telemetry, a
    /// home of its own; `claude` on PATH.
    func claudeEnvironment(claude: String, port: String) -> [String: String] {
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

    /// What aider needs, as a user would set it, to talk to the fake: the model and the
    /// endpoint by environment (the preset names neither), `aider` on PATH, and a home of its
    /// own (aider keeps its settings and caches there) with a git identity for its commits.
    func aiderVariables(aider: String, port: String) -> [String: String] {
        let home = root + "/aider-home"
        try? FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try? "[user]\n\tname = Test User\n\temail = test@example.com\n".write(toFile: home + "/.gitconfig", atomically: true, encoding: .utf8)
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return ["PATH": URL(fileURLWithPath: aider).deletingLastPathComponent().path + ":" + path, "HOME": home,
                "AIDER_MODEL": "openai/fake", "OPENAI_API_BASE": "http://127.0.0.1:\(port)/v1", "OPENAI_API_KEY": "sk-test"]
    }

    /// A factory whose builder is real aider (`init --preset aider`) talking to the fake
    /// OpenAI API playing `replies`, its architect the simulated one (it plans at once), one
    /// attempt for the builder, and `feature` started. Returns the repository and aider's
    /// variables.
    func aiderFactory(_ feature: String, _ replies: [[String: Any]], keeping servers: inout [Process]) throws -> (String, [String: String]) {
        let aider = try Self.realAider()
        let port = try startFakeOpenAI(keeping: &servers, replies)
        let repo = try makeSimRepo(preset: "aider")
        try editRole(repo, "architect") { $0.replacingOccurrences(of: "preset: aider", with: "preset: sim") }
        try editRole(repo, "builder") { $0.replacingOccurrences(of: "retries: 3", with: "retries: 0") }
        try ok("start", feature, cwd: repo)
        return (repo, aiderVariables(aider: aider, port: port))
    }

    func editRole(_ repo: String, _ role: String, _ change: (String) -> String) throws {
        let path = repo + "/agents/\(role).md"
        try change(try String(contentsOfFile: path, encoding: .utf8)).write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// `factory status --json`, parsed.
    func status(_ repo: String) throws -> [String: Any] {
        let r = try factory(["status", "--json"], cwd: repo)
        return (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]) ?? [:]
    }

    func agent(_ status: [String: Any], _ role: String) -> [String: Any]? {
        (status["agents"] as? [[String: Any]])?.first { $0["role"] as? String == role }
    }

    func waitForStatus(_ repo: String, timeout: Double = 60, _ condition: ([String: Any]) -> Bool) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        var last: [String: Any] = [:]
        while Date() < deadline {
            last = try status(repo)
            if condition(last) { return last }
            usleep(100_000)
        }
        XCTFail("timed out; the last status: \(last)")
        throw CLIHarnessError.timedOut(["status"])
    }
}
