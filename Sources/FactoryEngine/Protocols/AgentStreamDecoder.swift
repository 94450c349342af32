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

/// Reads one agent CLI's stdout as events. Feed it bytes as they arrive, in any chunks; it
/// never fails — what it cannot read becomes `.garbage` or an error item, and a message
/// type it does not know is passed over (newer CLIs add types).
public protocol AgentStreamDecoder: Sendable {
    mutating func feed<Bytes: Collection>(_ chunk: Bytes) -> [AgentStreamEvent] where Bytes.Element == UInt8
    /// At the end of the stream: the last line, if it had no newline, and anything held back.
    mutating func finish() -> [AgentStreamEvent]
}

extension AgentStreamDecoder {
    /// The longest line kept. Real lines hold a whole tool result (a file read, a test log),
    /// so this is generous; beyond it the line is dropped and reported.
    public static var lineLimit: Int { 4 << 20 }
}

extension AgentProtocol {
    /// The decoder of this protocol's output; none for `text`, which is only logged.
    /// `cwd` is the agent's working directory, for CLIs that do not say it themselves.
    public func decoder(cwd: String? = nil) -> (any AgentStreamDecoder)? {
        switch self {
        case .claude: ClaudeStream()
        case .codex: CodexStream(cwd: cwd)
        case .gemini: GeminiStream(cwd: cwd)
        case .text: nil
        }
    }

    /// Factory reads the agent's stdout as events (its stderr goes to the log apart).
    public var isDecoded: Bool { self != .text }

    /// The agent takes its prompt and factory's answers on stdin, which stays open until its
    /// turn ends. Only Claude Code does; the other CLIs take the prompt as an argument and
    /// read stdin to its end before they start, so theirs must be closed at once.
    public var answersOnInput: Bool { self == .claude }
}

extension SessionResult {
    /// How the end of a session reads: its result, the error when it failed, the end.
    var closingEvents: [AgentStreamEvent] {
        var events: [AgentStreamEvent] = [.activity(.result(ok: !isError, turns: turns, costUSD: costUSD))]
        if isError {
            let why = firstLine.isEmpty ? subtype : "\(subtype): \(firstLine)"
            events.append(.activity(.error(why.capped())))
        }
        events.append(.ended(self))
        return events
    }
}

extension AgentUsage {
    /// Usage as OpenAI and Google count it, the cached tokens a part of the input, kept as
    /// Claude counts it (the cache reads apart): the columns mean one thing for every agent.
    static func cachedWithinInput(input: Int, cached: Int, output: Int) -> AgentUsage {
        let cached = min(cached, input)
        return AgentUsage(inputTokens: input - cached, outputTokens: output, cacheReadTokens: cached)
    }
}
