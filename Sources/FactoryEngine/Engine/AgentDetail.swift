import Dispatch
import Foundation

/// What the dashboard's detail view shows for one agent: its story — a protocol agent's
/// activity, anyone else's log, each attempt marked — its commits and its diff stat against
/// the main branch.
public struct AgentDetail: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// The agent's log (a plain agent, or one this engine does not read).
        case log
        /// What a protocol agent did, as this engine heard it (its log is the raw protocol).
        case activity
        /// The screen of an agent in a terminal session, as the session shows it now.
        case screen
    }

    public var role: String
    public var source: Source
    public var feed: FeedBuffer
    /// The log's last line while it has no newline yet.
    public var openLine: String?
    public var diffStat: [String]
    public var commits: [String]

    public init(role: String, source: Source = .log, feed: FeedBuffer, openLine: String? = nil,
                diffStat: [String] = [], commits: [String] = []) {
        self.role = role
        self.source = source
        self.feed = feed
        self.openLine = openLine
        self.diffStat = diffStat
        self.commits = commits
    }
}

extension Engine {
    /// The role's commits ahead of the main branch and its diff stat against it.
    func changes(of role: String) -> (commits: [String], diffStat: [String]) {
        let git = Git(paths.root)
        let stat = (try? git.output(["diff", "--stat=200", "\(mainBranch)...agent/\(role)"]))?.split(separator: "\n").map(String.init) ?? []
        let commits = (try? git.output(["log", "--format=%h %s", "-12", "\(mainBranch)..agent/\(role)"]))?.split(separator: "\n").map(String.init) ?? []
        return (commits, stat)
    }

    /// The screen of the role's terminal session as last read, its trailing blank lines
    /// dropped; nil for an agent without one (or one this engine does not read).
    func sessionScreen(of role: String) -> [String]? {
        queue.sync {
            guard pool.run(role).session != nil, let screen = sessionScreens[role]?.screen else { return nil }
            var lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
            return lines
        }
    }

    /// A protocol agent's activity as this engine heard it — also once the agent has ended
    /// and its decoder is gone; nil for an agent it does not read (a plain one, or any agent
    /// while this engine only watches another).
    func activityFeed(of role: String) -> FeedBuffer? {
        let (heard, reading, def) = queue.sync { (pool.activity[role], pool.streams[role] != nil, roles[role]) }
        if let heard { return heard }
        if reading { return FeedBuffer(limit: AgentPool.activityLimit) }
        // Not heard here (this engine watches another, or started after the run): the log
        // holds the protocol, read back the same way.
        guard let def, def.agentProtocol.isDecoded, !def.inTerminal else { return nil }
        return ProtocolReplay.read(log: "\(paths.logs)/\(role).log", as: def.agentProtocol, cwd: paths.worktree(role))?
            .feed(limit: AgentPool.activityLimit)
    }
}

/// The detail view's source for one agent, live. Its log is followed as it grows (a watch on
/// the logs folder, at most ten reads a second, each taking only what was added); its
/// activity is taken from the engine when the agent's snapshot changes; git is asked for its
/// commits and diff stat only when its worktree moved. All on a queue of its own — never the
/// engine's, never the screen's — and each new state goes to `deliver`.
public final class AgentDetailFeed: @unchecked Sendable {
    public let role: String
    private let engine: Engine
    private let queue = DispatchQueue(label: "factory.detail")
    private let deliver: @Sendable (AgentDetail) -> Void
    // Owned by `queue`.
    private var log: LogFollower
    private var detail: AgentDetail
    private var watcher: FileWatcher?
    private var seen: AgentSnapshot
    /// The activity's end when it was last read (nil: the log is shown).
    private var activityEnd: Int?
    private var stopped = false

    public init(engine: Engine, agent: AgentSnapshot, deliver: @escaping @Sendable (AgentDetail) -> Void) {
        role = agent.role
        self.engine = engine
        self.deliver = deliver
        seen = agent
        log = LogFollower(path: "\(engine.paths.logs)/\(agent.role).log")
        detail = AgentDetail(role: agent.role, feed: FeedBuffer(limit: 1))
        queue.async { self.begin() }
    }

    /// The engine's latest word on the agent.
    public func agentChanged(_ agent: AgentSnapshot) {
        queue.async { [self] in
            guard !stopped, agent != seen else { return }
            let before = seen
            seen = agent
            let moved = Self.position(of: before) != Self.position(of: agent) && readChanges()
            if readActivity() || moved { publish() }
        }
    }

    public func stop() {
        queue.async { [self] in
            stopped = true
            watcher?.stop()
            watcher = nil
        }
    }

    private func begin() {
        guard !stopped else { return }
        let logs = engine.paths.logs
        try? FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        watcher = FileWatcher(directories: [logs], only: [logs: ["\(role).log", "\(role).log.1"]], queue: queue, delay: 0.1) { [weak self] _ in
            self?.logChanged()
        }
        log.refresh()
        readChanges()
        readActivity()
        publish()
    }

    private func logChanged() {
        guard !stopped, log.refresh() else { return }
        // A protocol agent's activity may come from its log too (read back when this engine
        // did not hear it live): it moved with the log.
        if detail.source == .log || readActivity() { publish() }
    }

    /// True when the commits or the diff stat changed.
    @discardableResult
    private func readChanges() -> Bool {
        let (commits, diffStat) = engine.changes(of: role)
        defer { (detail.commits, detail.diffStat) = (commits, diffStat) }
        return commits != detail.commits || diffStat != detail.diffStat
    }

    /// True when the activity shown changed (activity is only ever added to), or the screen.
    @discardableResult
    private func readActivity() -> Bool {
        if let screen = engine.sessionScreen(of: role) {
            var feed = FeedBuffer(limit: max(1, screen.count))
            feed.append(contentsOf: screen.map { AgentFeedLine.log($0) })
            defer { (detail.source, detail.feed, activityEnd) = (.screen, feed, nil) }
            return detail.source != .screen || feed != detail.feed
        }
        let activity = engine.activityFeed(of: role)
        let before = activityEnd
        activityEnd = activity?.endNumber
        detail.source = activity == nil ? .log : .activity
        if let activity { detail.feed = activity }
        return activityEnd != before
    }

    private func publish() {
        if detail.source == .log {
            detail.feed = log.feed
            detail.openLine = log.openLine
        } else {
            detail.openLine = nil
        }
        deliver(detail)
    }

    /// What the commits and the diff stat depend on: the agent's branch and worktree, and
    /// whether it runs (an agent that ends has usually just committed).
    private static func position(of agent: AgentSnapshot) -> [String] {
        let wt = agent.worktree
        return [wt?.head ?? "", wt?.branch ?? "", "\(wt?.dirty ?? 0)", "\(wt?.ahead ?? 0)", "\(wt?.behind ?? 0)", agent.state.rawValue]
    }
}
