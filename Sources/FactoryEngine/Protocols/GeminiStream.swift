import Foundation

/// Reads `gemini -p … --output-format stream-json` from the agent's stdout: JSON Lines of
/// `init`, `message`, `tool_use`, `tool_result`, `error` and `result` events, as Gemini
/// CLI's `output/types.ts` defines them.
///
/// The assistant's words arrive in pieces (`"delta": true`); they are gathered and shown a
/// paragraph at a time, or when something else happens, not a line of activity a piece.
/// Gemini asks factory nothing and reports no money: cost stays 0.
public struct GeminiStream: AgentStreamDecoder {
    private var lines: JSONLines
    /// The agent's working directory: paths inside it are shown relative to it.
    private let cwd: String?
    /// The assistant's words not yet shown.
    private var pending = ""
    /// The first line of the words since the last tool call: the final answer, at the end.
    private var answer = ""
    private var answering = false

    public init(cwd: String? = nil, lineLimit: Int = GeminiStream.lineLimit) {
        lines = JSONLines(limit: lineLimit)
        self.cwd = cwd
    }

    public mutating func feed<Bytes: Collection>(_ chunk: Bytes) -> [AgentStreamEvent] where Bytes.Element == UInt8 {
        lines.feed(chunk).flatMap { $0.events { read($0) } }
    }

    public mutating func finish() -> [AgentStreamEvent] {
        lines.finish().flatMap { $0.events { read($0) } } + said()
    }

    private mutating func read(_ event: [String: Any]) -> [AgentStreamEvent] {
        switch event["type"] as? String {
        case "init":
            return (event["session_id"] as? String).map { [.session($0.capped(200))] } ?? []
        case "message":
            // The user's message is the prompt factory gave, echoed.
            guard event["role"] as? String == "assistant" else { return [] }
            let content = event["content"] as? String ?? ""
            guard JSONField.flag(event["delta"]) else { return said() + said(content) }
            return gathered(content)
        case "tool_use":
            let tool = (event["tool_name"] as? String ?? "?").capped(200)
            return interrupted() + [.activity(.toolCall(tool: tool, toolUseID: JSONField.id(event["tool_id"]),
                                                 summary: Self.summary(tool, event["parameters"], cwd: cwd)))]
        case "tool_result":
            return interrupted() + [toolResult(event)]
        case "error":
            let message = (event["message"] as? String ?? "").firstLine()
            let severity = event["severity"] as? String == "warning" ? "warning: " : ""
            return interrupted() + [.activity(.error((severity + (message.isEmpty ? "(no message)" : message)).capped()))]
        case "result":
            return said() + result(event)
        default:
            return []
        }
    }

    /// A piece of the assistant's words: held until its paragraph is whole.
    private mutating func gathered(_ piece: String) -> [AgentStreamEvent] {
        pending += piece
        guard let end = pending.range(of: "\n\n", options: .backwards) else { return overflow() }
        let whole = String(pending[..<end.lowerBound])
        pending = String(pending[end.upperBound...])
        return said(whole) + overflow()
    }

    /// Words past an item's size with no paragraph's end are shown up to the last space that
    /// fits, so nothing grows unbounded; a run with no space (or a flood) is shown cut.
    private mutating func overflow() -> [AgentStreamEvent] {
        var events: [AgentStreamEvent] = []
        while pending.count > ActivityItem.textLimit {
            let fits = pending.prefix(ActivityItem.textLimit)
            guard events.count < 4, let space = fits.lastIndex(where: \.isWhitespace), space > pending.startIndex else {
                return events + said()
            }
            events += said(String(pending[..<space]))
            pending = String(pending[space...])
        }
        return events
    }

    /// Shows `text`, or else the words held so far.
    private mutating func said(_ text: String? = nil) -> [AgentStreamEvent] {
        let words = (text ?? pending).trimmingCharacters(in: .whitespacesAndNewlines)
        if text == nil { pending = "" }
        guard !words.isEmpty else { return [] }
        if !answering { answer = words.firstLine() }
        answering = true
        return [.activity(.text(words.capped()))]
    }

    /// The words held so far are shown, and the next ones start a new answer.
    private mutating func interrupted() -> [AgentStreamEvent] {
        defer { answering = false }
        return said()
    }

    private func toolResult(_ event: [String: Any]) -> AgentStreamEvent {
        let ok = event["status"] as? String == "success"
        let error = (event["error"] as? [String: Any])?["message"] as? String
        let output = event["output"] as? String
        let text = ((ok ? output : error ?? output) ?? "").firstLine()
        return .activity(.toolResult(toolUseID: JSONField.id(event["tool_id"]), ok: ok,
                                     firstLine: text.isEmpty ? (ok ? "(no output)" : "failed") : text))
    }

    /// The session's totals and its end.
    private func result(_ event: [String: Any]) -> [AgentStreamEvent] {
        let ok = event["status"] as? String == "success"
        let error = event["error"] as? [String: Any] ?? [:]
        var events: [AgentStreamEvent] = []
        let stats = event["stats"] as? [String: Any]
        if let stats {
            var usage = AgentUsage.cachedWithinInput(input: JSONField.count(stats["input_tokens"]), cached: JSONField.count(stats["cached"]),
                                                     output: JSONField.count(stats["output_tokens"]))
            usage.turns = 1
            events.append(.usage(usage))
        }
        let failure = (error["message"] as? String ?? "").firstLine()
        let ended = SessionResult(subtype: ok ? "success" : (error["type"] as? String ?? "error").capped(200), isError: !ok, turns: 1,
                                  durationMs: JSONField.count(stats?["duration_ms"]), costUSD: 0, permissionDenials: 0,
                                  firstLine: ok ? answer : failure)
        return events + ended.closingEvents
    }

    /// Gemini's own tools are summed up as Claude Code's alike are (`Bash: swift test`,
    /// `Edit Sources/App.swift`); any other as its name and input.
    static func summary(_ tool: String, _ parameters: Any?, cwd: String?) -> String {
        let likeClaude = ["run_shell_command": "Bash", "replace": "Edit", "write_file": "Write", "read_file": "Read",
                          "glob": "Glob", "grep_search": "Grep", "search_file_content": "Grep"]
        guard let name = likeClaude[tool], var input = parameters as? [String: Any] else {
            return ToolSummary.summary(tool: tool, input: parameters, cwd: cwd)
        }
        // Earlier releases named read_file's path `absolute_path`; the searches name their folder `dir_path`.
        if input["file_path"] == nil { input["file_path"] = input["absolute_path"] }
        if input["path"] == nil { input["path"] = input["dir_path"] }
        return ToolSummary.summary(tool: name, input: input, cwd: cwd)
    }
}
