import Foundation

/// The parts of Claude Code's messages factory keeps, read from parsed JSON. Every field
/// is looked up with a fallback: the stream comes from outside, and a missing or odd field
/// must cost that field, not the message.
enum ClaudeMessage {
    /// An `assistant` message's content blocks, as activity.
    static func blocks(_ message: [String: Any], cwd: String?) -> [ActivityItem] {
        let content = message["content"] as? [Any] ?? []
        return content.compactMap { $0 as? [String: Any] }.compactMap { block in
            switch block["type"] as? String {
            case "text":
                let text = (block["text"] as? String ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                return text.isEmpty ? nil : .text(text.capped())
            case "thinking":
                let thinking = block["thinking"] as? String ?? ""
                return .thinking(firstLine: thinking.firstLine(ToolSummary.limit), length: thinking.count)
            case "tool_use":
                let tool = (block["name"] as? String ?? "?").capped(200)
                return .toolCall(tool: tool, toolUseID: (block["id"] as? String ?? "").capped(200),
                                 summary: ToolSummary.summary(tool: tool, input: block["input"], cwd: cwd))
            default:
                return nil
            }
        }
    }

    /// A `user` message's tool results. Its other content (the prompt factory sent, echoed) is not activity.
    static func toolResults(_ message: [String: Any]) -> [ActivityItem] {
        let content = message["content"] as? [Any] ?? []
        return content.compactMap { $0 as? [String: Any] }.filter { $0["type"] as? String == "tool_result" }.map { block in
            let failed = flag(block["is_error"])
            return .toolResult(toolUseID: (block["tool_use_id"] as? String ?? "").capped(200), ok: !failed,
                               firstLine: resultText(block["content"]).firstLine())
        }
    }

    /// A tool result's content is a string or a list of blocks; only text blocks are read.
    static func resultText(_ content: Any?) -> String {
        if let text = content as? String { return text }
        let blocks = (content as? [Any] ?? []).compactMap { $0 as? [String: Any] }
        return blocks.lazy.compactMap { $0["type"] as? String == "text" ? $0["text"] as? String : nil }
            .first { !$0.firstLine().isEmpty } ?? (blocks.isEmpty ? "" : "(\(blocks.count) non-text blocks)")
    }

    static func controlRequest(_ message: [String: Any], cwd: String?, at time: Date) -> [AgentStreamEvent] {
        let body = message["request"] as? [String: Any] ?? [:]
        let subtype = body["subtype"] as? String ?? "?"
        guard let requestID = message["request_id"] as? String else {
            return [.activity(.error("a \(subtype.capped(80)) request without a request id; it cannot be answered"))]
        }
        guard subtype == "can_use_tool" else {
            // Hooks and in-process tools are never registered by factory, so the agent should
            // not ask for them; if it does, say so rather than leave it waiting unseen.
            return [.activity(.error("the agent asked \"\(subtype.capped(80))\" (request \(requestID.capped(80))), which factory does not answer")),
                    .unanswerable(requestID: requestID, subtype: subtype.capped(80))]
        }
        let tool = (body["tool_name"] as? String ?? "?").capped(200)
        let input = body["input"] as? [String: Any] ?? [:]
        let suggestions = body["permission_suggestions"] ?? []
        var request = PermissionRequest(
            requestID: requestID, tool: tool, inputJSON: CompactJSON.text(input) ?? "{}",
            summary: ToolSummary.summary(tool: tool, input: input, cwd: cwd),
            toolUseID: (body["tool_use_id"] as? String ?? "").capped(200),
            suggestions: PermissionRequest.rules(in: suggestions),
            suggestionsJSON: (CompactJSON.text(suggestions) ?? "[]").capped(),
            description: (body["description"] as? String ?? "").capped(),
            receivedAt: time)
        if tool == "AskUserQuestion" {
            let questions = AgentQuestion.list(in: input)
            request.questions = questions.isEmpty ? nil : questions
            if let first = questions.first { request.summary = ("question: " + ToolSummary.oneLine(first.question)).capped(ToolSummary.limit) }
        }
        return [.request(request)]
    }

    static func usage(_ usage: [String: Any]) -> AgentUsage {
        AgentUsage(inputTokens: count(usage["input_tokens"]), outputTokens: count(usage["output_tokens"]),
                   cacheReadTokens: count(usage["cache_read_input_tokens"]),
                   cacheCreationTokens: count(usage["cache_creation_input_tokens"]))
    }

    static func sessionResult(_ message: [String: Any]) -> SessionResult {
        SessionResult(subtype: (message["subtype"] as? String ?? "?").capped(200),
                      isError: flag(message["is_error"]),
                      turns: count(message["num_turns"]), durationMs: count(message["duration_ms"]),
                      costUSD: dollars(message["total_cost_usd"]),
                      permissionDenials: (message["permission_denials"] as? [Any])?.count ?? 0,
                      firstLine: answer(message).firstLine())
    }

    /// The final answer; a session that failed may carry `errors` instead.
    static func answer(_ message: [String: Any]) -> String {
        if let result = message["result"] as? String, !result.firstLine().isEmpty { return result }
        return (message["errors"] as? [Any] ?? []).lazy.compactMap { $0 as? String }.first ?? ""
    }

    /// A whole, non-negative number; anything else counts as 0 (never traps on 1e300).
    static func count(_ value: Any?) -> Int {
        if isBool(value) { return 0 }
        if let int = value as? Int { return max(0, int) }
        if let double = value as? Double, double.isFinite, double >= 0, double < 1e15 { return Int(double) }
        return 0
    }

    /// JSON's true or false. JSONSerialization hands booleans over as NSNumbers, and any
    /// NSNumber casts to Bool (and 1 to true), so the number's type code tells them apart.
    static func isBool(_ value: Any?) -> Bool {
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c"
    }

    /// True only for JSON's `true`.
    static func flag(_ value: Any?) -> Bool { isBool(value) && (value as? Bool ?? false) }

    static func dollars(_ value: Any?) -> Double {
        guard !isBool(value), let double = value as? Double, double.isFinite, double >= 0 else { return 0 }
        return double
    }
}
