import Foundation

/// One thing an agent did, as the dashboard will list it: a line of the agent's story, not
/// its whole transcript. Every string here came from the agent (or from what its tools
/// printed), so it is kept as data — the dashboard makes it inert when it draws — and
/// capped, so one huge tool result cannot grow factory's memory.
public enum ActivityItem: Codable, Sendable, Equatable {
    /// What the agent said.
    case text(String)
    /// The agent's private reasoning, collapsed: its first line and how long it was in all.
    case thinking(firstLine: String, length: Int)
    /// A tool the agent called, with a one-line summary of the call (`Bash: swift test`).
    case toolCall(tool: String, toolUseID: String, summary: String)
    /// What a tool answered: whether it worked, and the first line of the answer.
    case toolResult(toolUseID: String, ok: Bool, firstLine: String)
    /// Something went wrong in the stream or in the agent.
    case error(String)
    /// The end of a turn: how many turns it took and what it cost.
    case result(ok: Bool, turns: Int, costUSD: Double)

    /// The most characters any stored string keeps.
    public static let textLimit = 2_000
}

/// Tokens and money an agent has used so far.
public struct AgentUsage: Codable, Sendable, Equatable {
    public var inputTokens = 0
    public var outputTokens = 0
    /// Prompt tokens served from the cache (cheap) and written to it (dearer), where the agent says.
    public var cacheReadTokens = 0
    public var cacheCreationTokens = 0
    public var costUSD = 0.0
    public var turns = 0

    public init(inputTokens: Int = 0, outputTokens: Int = 0, cacheReadTokens: Int = 0, cacheCreationTokens: Int = 0,
                costUSD: Double = 0, turns: Int = 0) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheReadTokens = cacheReadTokens
        self.cacheCreationTokens = cacheCreationTokens
        self.costUSD = costUSD
        self.turns = turns
    }

    /// Counts add up to Int.max at most: they come from the agent's stream, and two lines
    /// saying 2^63 - 1 tokens must not trap the engine.
    public static func + (a: AgentUsage, b: AgentUsage) -> AgentUsage {
        func sum(_ x: Int, _ y: Int) -> Int {
            let (value, overflow) = x.addingReportingOverflow(y)
            return overflow ? (y < 0 ? Int.min : Int.max) : value
        }
        return AgentUsage(inputTokens: sum(a.inputTokens, b.inputTokens), outputTokens: sum(a.outputTokens, b.outputTokens),
                          cacheReadTokens: sum(a.cacheReadTokens, b.cacheReadTokens),
                          cacheCreationTokens: sum(a.cacheCreationTokens, b.cacheCreationTokens),
                          costUSD: a.costUSD + b.costUSD, turns: sum(a.turns, b.turns))
    }
}

/// How a session ended, from the agent's final `result` message.
public struct SessionResult: Codable, Sendable, Equatable {
    /// The agent's word for the ending (`success`, `error_max_turns`, `error_during_execution`, …).
    public var subtype: String
    public var isError: Bool
    public var turns: Int
    public var durationMs: Int
    public var costUSD: Double
    /// Tool calls that were refused during the session.
    public var permissionDenials: Int
    /// The first line of the agent's final answer.
    public var firstLine: String

    public init(subtype: String, isError: Bool, turns: Int, durationMs: Int, costUSD: Double, permissionDenials: Int, firstLine: String) {
        self.subtype = subtype
        self.isError = isError
        self.turns = turns
        self.durationMs = durationMs
        self.costUSD = costUSD
        self.permissionDenials = permissionDenials
        self.firstLine = firstLine
    }
}

extension String {
    /// At most `limit` characters; a cut string ends in `…` so a reader can tell.
    func capped(_ limit: Int = ActivityItem.textLimit) -> String {
        guard count > limit else { return self }
        return String(prefix(max(0, limit - 1))) + "…"
    }

    /// The first line that has something on it, trimmed, capped. Scans only as far as that
    /// line: a tool's answer can be megabytes, and only its first line is kept.
    func firstLine(_ limit: Int = ActivityItem.textLimit) -> String {
        var rest = Substring(self)
        while !rest.isEmpty {
            let end = rest.firstIndex(where: \.isNewline) ?? rest.endIndex
            let line = rest[..<end].trimmingCharacters(in: .whitespaces)
            if !line.isEmpty { return line.capped(limit) }
            rest = end == rest.endIndex ? "" : rest[rest.index(after: end)...]
        }
        return ""
    }
}
