import Foundation

/// What the dashboard's detail view shows for one agent: the tail of its log, its diff stat
/// against the main branch, its recent commits. Read on demand, off the engine queue.
public struct AgentDetail: Sendable, Equatable {
    public var role: String
    public var logTail: [String]
    public var diffStat: [String]
    public var commits: [String]
    /// For protocol agents, what it did, newest last, one line each (its log is the raw
    /// protocol then, not for reading).
    public var activity: [String] = []
}

extension Engine {
    public func detail(role: String, logLines: Int = 200) -> AgentDetail {
        let git = Git(paths.root)
        let range = "\(mainBranch)...agent/\(role)"
        let stat = (try? git.output(["diff", "--stat=200", range]))?.split(separator: "\n").map(String.init) ?? []
        let commits = (try? git.output(["log", "--format=%h %s", "-12", "\(mainBranch)..agent/\(role)"]))?.split(separator: "\n").map(String.init) ?? []
        // The log last: it is what moves while an agent works.
        var detail = AgentDetail(role: role, logTail: logTail(role: role, lines: logLines), diffStat: stat, commits: commits)
        detail.activity = queue.sync { pool.activity[role] ?? [] }.map(\.oneLine)
        return detail
    }

    /// The last lines of the role's log, for following it while its agent writes.
    public func logTail(role: String, lines: Int = 200) -> [String] {
        Self.tail("\(paths.logs)/\(role).log", lines: lines)
    }

    /// The last lines of a file, reading only its end.
    static func tail(_ path: String, lines: Int, maxBytes: Int = 64 * 1024) -> [String] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > UInt64(maxBytes) ? size - UInt64(maxBytes) : 0
        try? handle.seek(toOffset: start)
        let data = (try? handle.readToEnd()) ?? Data()
        var text = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if start > 0, !text.isEmpty { text.removeFirst() }
        if text.last == "" { text.removeLast() }
        return Array(text.suffix(lines))
    }
}
