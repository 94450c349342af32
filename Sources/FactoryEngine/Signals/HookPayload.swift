import Foundation

/// What an agent CLI hands its hook, read into a `SignalRecord`. Claude Code and Gemini CLI
/// write one JSON object to the hook's stdin (`hook_event_name`, `tool_name`, `tool_input`,
/// `notification_type`, `message`, …); Codex passes its `notify` JSON as the last argument
/// (`{"type": "agent-turn-complete", "last-assistant-message": …}`).
public enum HookPayload {
    /// The record of `event` from `payload`, which may be cut short (`complete` false: the
    /// hook reads only so much) or not JSON at all — the event alone is still worth keeping.
    /// Nil when `event` is not an event name.
    public static func record(event: String, payload: [UInt8], complete: Bool = true, at time: Double) -> SignalRecord? {
        guard SignalRecord.isEventName(event) else { return nil }
        var record = SignalRecord(time: time, event: event)
        guard let fields = (try? JSONSerialization.jsonObject(with: Data(payload))) as? [String: Any] else {
            // A payload cut short still names its tool near the start (Claude Code writes
            // `tool_name` before `tool_input` and `tool_response`, the parts that grow).
            if !complete { record.tool = JSONScan.string("tool_name", in: payload) }
            return record
        }
        let string = { (key: String) in fields[key] as? String }
        record.kind = string("notification_type") ?? string("type") ?? string("source") ?? string("reason") ?? string("trigger")
        record.tool = string("tool_name")
        if let tool = record.tool {
            let input = fields["tool_input"] as? [String: Any] ?? [:]
            record.detail = AgentQuestion.list(in: input).first?.summary
                ?? ToolSummary.summary(tool: tool, input: input, cwd: string("cwd"))
        } else {
            record.detail = Self.saying.lazy.compactMap(string).first?.firstLine(SignalRecord.detailLimit)
        }
        return record
    }

    /// Where an event says something in words: a notification's message, the last answer of
    /// a turn (Claude Code, Codex, Gemini CLI), a prompt, an error.
    static let saying = ["message", "last_assistant_message", "last-assistant-message", "prompt_response", "prompt", "error"]
}

/// Reads one top-level string field out of JSON text that may be cut short.
enum JSONScan {
    /// The string value of the first `"key":` in `bytes`, if it is a whole string.
    static func string(_ key: String, in bytes: [UInt8]) -> String? {
        let needle = Array("\"\(key)\"".utf8)
        guard let start = bytes.firstRange(of: needle)?.upperBound else { return nil }
        var i = start
        let skip = { while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 } }
        skip()
        guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
        i += 1
        skip()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
        var end = i + 1
        while end < bytes.count, bytes[end] != UInt8(ascii: "\"") { end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1 }
        guard end < bytes.count else { return nil }
        // The literal, quotes and escapes included, decoded as the JSON string it is.
        return (try? JSONSerialization.jsonObject(with: Data(bytes[i...end]), options: .fragmentsAllowed)) as? String
    }
}
