import Foundation

/// The simulated agent speaking Claude Code's stream-json on stdin and stdout, in the shapes
/// recorded from the real CLI (Tests/Fixtures/claude): an init, the agent's words, a Bash
/// call that asks permission when FACTORY_SIM_ASK names the role (to run
/// FACTORY_SIM_ASK_COMMAND, else `make release`), then its usual work, then a result with
/// cost. For fast tests and benchmarks beside the real CLI, never instead.
struct ClaudeSimSession {
    let role: String
    let environment: [String: String]
    private var messages = 0

    init(role: String, environment: [String: String]) {
        self.role = role
        self.environment = environment
    }

    /// Runs `work` (the simulated agent's usual job) inside a protocol session.
    mutating func run(_ work: () throws -> Void) throws {
        _ = readLine()  // the task, as the first user message
        emit(["type": "system", "subtype": "init", "session_id": "sim-\(role)", "cwd": FileManager.default.currentDirectoryPath,
              "tools": ["Bash", "Edit", "Read", "Write"]])
        if let events = Int(environment["FACTORY_SIM_EVENTS"] ?? ""), events > 0 { flood(events) }
        say("Working on the \(role)'s tasks.")
        var denials: [[String: Any]] = []
        if (environment["FACTORY_SIM_ASK"] ?? "").split(separator: ",").contains(Substring(role)) {
            // FACTORY_SIM_ASK_TIMES=N asks N times, each command carrying the moment it was
            // written (CLOCK_MONOTONIC, ns): the benchmark's request-to-screen latency.
            let times = Int(environment["FACTORY_SIM_ASK_TIMES"] ?? "") ?? 1
            for _ in 0..<max(1, times) {
                let command = times > 1 ? "bench \(DispatchTime.now().uptimeNanoseconds)" : environment["FACTORY_SIM_ASK_COMMAND"] ?? "make release"
                if let reason = ask(command) { denials.append(["tool_name": "Bash", "reason": reason]) }
            }
        }
        try work()
        say("Done.")
        emit(["type": "result", "subtype": "success", "is_error": false, "num_turns": messages, "duration_ms": 10,
              "total_cost_usd": 0.0042 * Double(messages), "result": "Done.", "session_id": "sim-\(role)",
              "usage": ["input_tokens": 120 * messages, "output_tokens": 30 * messages], "permission_denials": denials])
    }

    /// A Bash call needing permission; waits for the answer. The denial's reason, if denied.
    private mutating func ask(_ command: String) -> String? {
        messages += 1
        let id = "toolu_sim_\(messages)"
        let input: [String: Any] = ["command": command, "description": "Run \(command)"]
        emit(["type": "assistant", "message": message(["type": "tool_use", "id": id, "name": "Bash", "input": input])])
        emit(["type": "control_request", "request_id": "req-sim-\(messages)",
              "request": ["subtype": "can_use_tool", "tool_name": "Bash", "input": input, "tool_use_id": id, "permission_suggestions": []] as [String: Any]])
        while let line = readLine() {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                  object["type"] as? String == "control_response",
                  let answer = ((object["response"] as? [String: Any])?["response"]) as? [String: Any] else { continue }
            let allowed = answer["behavior"] as? String == "allow"
            let said = allowed ? "(\(command) ran)" : (answer["message"] as? String ?? "denied")
            emit(["type": "user", "message": ["role": "user", "content": [["type": "tool_result", "tool_use_id": id, "content": said, "is_error": !allowed]]]])
            return allowed ? nil : said
        }
        return "no answer"
    }

    /// `count` messages (the benchmarks' load): as fast as they can be written, or at
    /// FACTORY_SIM_RATE a second, paced against the clock so a late one does not slow the rest.
    private mutating func flood(_ count: Int) {
        let rate = Double(environment["FACTORY_SIM_RATE"] ?? "") ?? 0
        let start = DispatchTime.now().uptimeNanoseconds
        for i in 0..<count {
            if rate > 0 {
                let due = start + UInt64(Double(i) / rate * 1e9), now = DispatchTime.now().uptimeNanoseconds
                if due > now { usleep(UInt32((due - now) / 1000)) }
            }
            say("Step \(i) of \(count): reading Sources/Module\(i % 40).swift and running the tests it touches.")
        }
    }

    private mutating func say(_ text: String) {
        messages += 1
        emit(["type": "assistant", "message": message(["type": "text", "text": text])])
    }

    private func message(_ block: [String: Any]) -> [String: Any] {
        ["id": "msg_sim_\(messages)", "type": "message", "role": "assistant", "model": "sim", "content": [block],
         "usage": ["input_tokens": 120, "output_tokens": 30]]
    }

    private func emit(_ object: [String: Any]) {
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        data.append(0x0A)
        FileHandle.standardOutput.write(data)
    }
}
