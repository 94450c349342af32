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
                return .toolCall(tool: tool, toolUseID: JSONField.id(block["id"]),
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
            let failed = JSONField.flag(block["is_error"])
            return .toolResult(toolUseID: JSONField.id(block["tool_use_id"]), ok: !failed,
                               firstLine: JSONField.text(ofBlocks: block["content"]).firstLine())
        }
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
            toolUseID: JSONField.id(body["tool_use_id"]),
            suggestions: PermissionRequest.rules(in: suggestions),
            suggestionsJSON: (CompactJSON.text(suggestions) ?? "[]").capped(),
            // Shown whole with the request (the stream's line cap bounds it).
            description: body["description"] as? String ?? "",
            receivedAt: time)
        if tool == "AskUserQuestion" {
            let questions = AgentQuestion.list(in: input)
            request.questions = questions.isEmpty ? nil : questions
            if let first = questions.first { request.summary = first.summary }
        }
        return [.request(request)]
    }

    static func usage(_ usage: [String: Any]) -> AgentUsage {
        AgentUsage(inputTokens: JSONField.count(usage["input_tokens"]), outputTokens: JSONField.count(usage["output_tokens"]),
                   cacheReadTokens: JSONField.count(usage["cache_read_input_tokens"]),
                   cacheCreationTokens: JSONField.count(usage["cache_creation_input_tokens"]))
    }

    static func sessionResult(_ message: [String: Any]) -> SessionResult {
        SessionResult(subtype: (message["subtype"] as? String ?? "?").capped(200),
                      isError: JSONField.flag(message["is_error"]),
                      turns: JSONField.count(message["num_turns"]), durationMs: JSONField.count(message["duration_ms"]),
                      costUSD: JSONField.dollars(message["total_cost_usd"]),
                      permissionDenials: (message["permission_denials"] as? [Any])?.count ?? 0,
                      firstLine: answer(message).firstLine())
    }

    /// The final answer; a session that failed may carry `errors` instead.
    static func answer(_ message: [String: Any]) -> String {
        if let result = message["result"] as? String, !result.firstLine().isEmpty { return result }
        return (message["errors"] as? [Any] ?? []).lazy.compactMap { $0 as? String }.first ?? ""
    }
}
