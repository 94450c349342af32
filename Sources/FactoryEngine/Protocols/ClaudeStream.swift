import Foundation

/// What an agent's stream said, in factory's terms.
public enum AgentStreamEvent: Sendable, Equatable {
    case activity(ActivityItem)
    /// Usage so far in this session (a running total, not a difference).
    case usage(AgentUsage)
    /// The agent waits for an answer to this.
    case request(PermissionRequest)
    /// The agent withdrew a question it asked (it no longer waits for the answer).
    case withdrawn(requestID: String)
    /// The agent asked something factory does not answer (a hook, an in-process tool): it
    /// gets an error at once rather than waiting for an answer that will never come.
    case unanswerable(requestID: String, subtype: String)
    /// The agent's session id, from its first message.
    case session(String)
    case ended(SessionResult)
    /// A line that is not a JSON object: its number and its first bytes, as text.
    case garbage(line: Int, firstBytes: String)
}

/// Reads Claude Code's `--output-format stream-json` from the agent's stdout: one JSON
/// object a line. Feed it bytes as they arrive, in any chunks; it never fails — a line it
/// cannot read becomes `.garbage`, a type it does not know is passed over (newer CLIs add
/// types, and none of them needs an answer from factory).
public struct ClaudeStream: Sendable {
    /// The longest line kept. Real lines hold a whole tool result (a file read, a test log),
    /// so this is generous; beyond it the line is dropped and reported.
    public static let lineLimit = 4 << 20
    /// How much of a garbage line is shown.
    static let garbagePrefix = 80

    private var lines: StreamLines
    private let now: @Sendable () -> Date
    /// Usage of the assistant messages before the current one, and the current one's. Claude
    /// Code sends one `assistant` line per content block, each carrying its message's usage,
    /// so usage is counted per message id, not per line.
    private var earlierUsage = AgentUsage()
    private var currentMessage: (id: String, usage: AgentUsage)?
    /// The agent's working directory, from `init`: tool paths are shown relative to it.
    private(set) var cwd: String?

    public init(lineLimit: Int = ClaudeStream.lineLimit, now: @escaping @Sendable () -> Date = { Date() }) {
        lines = StreamLines(limit: lineLimit)
        self.now = now
    }

    public mutating func feed<Bytes: Collection>(_ chunk: Bytes) -> [AgentStreamEvent] where Bytes.Element == UInt8 {
        lines.feed(chunk).flatMap { read($0) }
    }

    /// At the end of the stream: the last line, if it had no newline.
    public mutating func finish() -> [AgentStreamEvent] {
        lines.finish().flatMap { read($0) }
    }

    private mutating func read(_ piece: StreamLines.Piece) -> [AgentStreamEvent] {
        switch piece {
        case .tooLong(let number):
            return [.activity(.error("line \(number) is longer than \(lines.limit) bytes; skipped"))]
        case .line(let number, let bytes):
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return [] }
            guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)), let message = object as? [String: Any] else {
                let shown = String(decoding: bytes.prefix(Self.garbagePrefix), as: UTF8.self)
                return [.garbage(line: number, firstBytes: shown)]
            }
            return read(message)
        }
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
        events.append(.activity(.result(ok: !ended.isError, turns: ended.turns, costUSD: ended.costUSD)))
        if ended.isError {
            let why = ended.firstLine.isEmpty ? ended.subtype : "\(ended.subtype): \(ended.firstLine)"
            events.append(.activity(.error(why.capped())))
        }
        events.append(.ended(ended))
        return events
    }
}
