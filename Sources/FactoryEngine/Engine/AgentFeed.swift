import Foundation

/// The start of one run of an agent, where the detail view separates its attempts
/// (`── attempt 2 · implementation · started 14:02 ──`).
public struct AttemptMark: Sendable, Equatable {
    /// The run's number in its phase (the retry budget's count).
    public var attempt: Int
    public var phase: String?
    /// Seconds since the epoch.
    public var startedAt: Double

    public init(attempt: Int, phase: String?, startedAt: Double) {
        self.attempt = attempt
        self.phase = phase
        self.startedAt = startedAt
    }

    static let logPrefix = "── factory: attempt "

    /// The line the keeper writes into the agent's log before the run's first byte: plain
    /// text a person reading the log understands, and the detail view recognises.
    public var logLine: String {
        let started = Date(timeIntervalSince1970: startedAt.rounded(.down)).formatted(.iso8601)
        return Self.logPrefix + ([String(attempt)] + (phase.map { [$0] } ?? []) + ["started \(started)"]).joined(separator: " · ") + " ──"
    }

    /// The mark a log line holds, if it is one.
    public init?<S: StringProtocol>(logLine line: S) {
        guard line.hasPrefix(Self.logPrefix), line.hasSuffix(" ──") else { return nil }
        let body = line.dropFirst(Self.logPrefix.count).dropLast(3)
        let parts = body.components(separatedBy: " · ")
        guard parts.count == 2 || parts.count == 3, let attempt = Int(parts[0]), let stamp = parts.last, stamp.hasPrefix("started "),
              let started = try? Date(String(stamp.dropFirst(8)), strategy: .iso8601) else { return nil }
        self.init(attempt: attempt, phase: parts.count == 3 ? parts[1] : nil, startedAt: started.timeIntervalSince1970)
    }
}

/// One line of an agent's story in the detail view. Every string came from the agent: the
/// dashboard makes it inert when it draws it.
public enum AgentFeedLine: Sendable, Equatable {
    /// A run began here.
    case attempt(AttemptMark)
    /// What a protocol agent did.
    case activity(ActivityItem)
    /// A line of a plain agent's log.
    case log(String)
}

/// The last lines of a feed, each with a number that never changes: lines dropped from the
/// front to stay within `limit` leave the numbers of the rest as they were, so a view held
/// at a line stays on it while new lines arrive.
public struct FeedBuffer: Sendable, Equatable {
    public private(set) var lines: [AgentFeedLine] = []
    /// The number of `lines[0]`: how many lines were dropped before it.
    public private(set) var firstNumber = 0
    public let limit: Int

    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// One past the number of the newest line.
    public var endNumber: Int { firstNumber + lines.count }

    public mutating func append(_ line: AgentFeedLine) {
        lines.append(line)
        trim()
    }

    public mutating func append<S: Sequence>(contentsOf more: S) where S.Element == AgentFeedLine {
        lines.append(contentsOf: more)
        trim()
    }

    /// The lines numbered `range` that are still kept.
    public func lines(_ range: Range<Int>) -> ArraySlice<AgentFeedLine> {
        let lower = min(max(range.lowerBound, firstNumber), endNumber), upper = min(max(range.upperBound, lower), endNumber)
        return lines[(lower - firstNumber)..<(upper - firstNumber)]
    }

    private mutating func trim() {
        guard lines.count > limit else { return }
        let extra = lines.count - limit
        lines.removeFirst(extra)
        firstNumber += extra
    }
}
