import Foundation

/// Reads Claude Code's `--output-format stream-json` from the agent's stdout: one JSON
/// object a line. None of the types it passes over needs an answer from factory.
public struct ClaudeStream: AgentStreamDecoder {
    private var lines: JSONLines
    private let now: @Sendable () -> Date
    /// Usage of the assistant messages before the current one, and the current one's. Claude
    /// Code sends one `assistant` line per content block, each carrying its message's usage,
    /// so usage is counted per message id, not per line.
    private var earlierUsage = AgentUsage()
    private var currentMessage: (id: String, usage: AgentUsage)?
    /// The agent's working directory, from `init`: tool paths are shown relative to it.
    private(set) var cwd: String?

    public init(lineLimit: Int = ClaudeStream.lineLimit, now: @escaping @Sendable () -> Date = { Date() }) {
        lines = JSONLines(limit: lineLimit)
        self.now = now
    }

    public mutating func feed<Bytes: Collection>(_ chunk: Bytes) -> [AgentStreamEvent] where Bytes.Element == UInt8 {
        lines.feed(chunk).flatMap { $0.events { read($0) } }
    }

    public mutating func finish() -> [AgentStreamEvent] {
        lines.finish().flatMap { $0.events { read($0) } }
    }

    private mutating func read(_ message: [String: Any]) -> [AgentStreamEvent] {
        switch message["type"] as? String {
        case "system":
            guard message["subtype"] as? String == "init" else { return [] }
            cwd = message["cwd"] as? String
            return (message["session_id"] as? String).map { [.session($0.capped(200))] } ?? []
        case "assistant":
            // A model call that failed (rate limit, authentication, …) says so beside the message.
            let failure = (message["error"] as? String).map { AgentStreamEvent.activity(.error("model call failed: \($0)".capped())) }
            return assistant(message["message"] as? [String: Any] ?? [:]) + (failure.map { [$0] } ?? [])
        case "user":
            return ClaudeMessage.toolResults(message["message"] as? [String: Any] ?? [:]).map { .activity($0) }
        case "control_request":
            return ClaudeMessage.controlRequest(message, cwd: cwd, at: now())
        case "control_cancel_request":
            return (message["request_id"] as? String).map { [.withdrawn(requestID: $0)] } ?? []
        case "result":
            return result(message)
        default:
            return []
        }
    }

    private mutating func assistant(_ message: [String: Any]) -> [AgentStreamEvent] {
        var events = ClaudeMessage.blocks(message, cwd: cwd).map { AgentStreamEvent.activity($0) }
        if let usage = message["usage"] as? [String: Any] {
            let id = message["id"] as? String ?? ""
            if let current = currentMessage, current.id != id || id.isEmpty { earlierUsage = earlierUsage + current.usage }
            currentMessage = (id, ClaudeMessage.usage(usage))
            events.append(.usage(total))
        }
        return events
    }

    private var total: AgentUsage { currentMessage.map { earlierUsage + $0.usage } ?? earlierUsage }

    private mutating func result(_ message: [String: Any]) -> [AgentStreamEvent] {
        let ended = ClaudeMessage.sessionResult(message)
        var events: [AgentStreamEvent] = []
        // The result's own totals are the agent's bookkeeping of the whole session; they
        // replace the sum of the messages (which misses tokens spent outside them).
        if let usage = message["usage"] as? [String: Any] {
            var all = ClaudeMessage.usage(usage)
            all.costUSD = ended.costUSD
            all.turns = ended.turns
            earlierUsage = all
            currentMessage = nil
            events.append(.usage(all))
        }
        return events + ended.closingEvents
    }
}
