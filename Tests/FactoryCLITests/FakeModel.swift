import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// The real Claude Code CLI's surroundings in tests: the scripted fake Messages API
/// (Tests/Fixtures/fake-anthropic.py) and the environment that points the CLI at it.
extension FactoryTestCase {
    /// The CLI from `.ci/fetch-claude` (FACTORY_TEST_CLAUDE), or a skip saying how to get it.
    static func realClaude() throws -> String {
        let path = ProcessInfo.processInfo.environment["FACTORY_TEST_CLAUDE"] ?? ""
        guard !path.isEmpty, FileManager.default.isExecutableFile(atPath: path) else {
            throw XCTSkip("the real Claude Code CLI is not here: set FACTORY_TEST_CLAUDE to what .ci/fetch-claude prints (CI does; it needs PyPI)")
        }
        return path
    }

    /// The scripted fake Messages API on an ephemeral loopback port; returns the port.
    func startFakeModel(keeping servers: inout [Process], _ turns: [[String: String]]) throws -> String {
        let script = root + "/script.json", portFile = root + "/port"
        // A turn's "command" is a Bash tool call with that command; its "write" (with
        // "content") a Write call; its "question" (with "choices", comma-separated) an
        // AskUserQuestion call; its "stream_seconds" spreads its text over that time.
        let scripted: [[String: Any]] = turns.map { turn in
            var out: [String: Any] = turn.filter { $0.key == "text" }
            if let seconds = turn["stream_seconds"].flatMap(Double.init) { out["stream_seconds"] = seconds }
            if let command = turn["command"] { out["tool"] = "Bash"; out["input"] = ["command": command, "description": "Run it"] }
            if let path = turn["write"] { out["tool"] = "Write"; out["input"] = ["file_path": path, "content": turn["content"] ?? ""] }
            if let question = turn["question"] {
                let choices = (turn["choices"] ?? "").split(separator: ",").map { ["label": String($0), "description": "The \($0) one"] }
                out["tool"] = "AskUserQuestion"
                out["input"] = ["questions": [["question": question, "header": "Choice", "options": choices, "multiSelect": false] as [String: Any]]]
            }
            return out
        }
        try JSONSerialization.data(withJSONObject: scripted).write(to: URL(fileURLWithPath: script))
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/fake-anthropic.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", fixture, script, portFile]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        servers.append(process)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let port = try? String(contentsOfFile: portFile, encoding: .utf8), !port.isEmpty { return port }
            usleep(20_000)
        }
        throw CLIHarnessError.timedOut(["fake-anthropic.py"])
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
}
