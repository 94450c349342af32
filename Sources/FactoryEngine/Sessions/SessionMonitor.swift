import Foundation

/// Reads the agents' terminal sessions at tmux's cost, not per agent: one `tmux list-panes
/// -a` a beat answers for every session at once, and the screens of the panes whose activity
/// moved since they were last read come back from one more tmux process (its commands
/// chained with `;`) — at most two processes a beat however many sessions there are, and
/// an idle session costs nothing but its line in the listing. The beat slows when nothing moves (`beat(now:)`), so a factory of
/// quiet sessions wakes tmux once every few seconds.
public struct SessionMonitor: Sendable {
    /// One pane as `list-panes` describes it.
    public struct Pane: Equatable, Sendable {
        public var session: String
        public var pid: Int32
        /// When the pane last printed (whole seconds, tmux's clock).
        public var activity: Int
        public var dead: Bool
    }

    /// One beat's reading: every pane, and the screens captured because they moved.
    public struct Reading: Sendable {
        public var panes: [Pane]
        public var screens: [String: String]
        public var time: Double
    }

    static let format = "#{session_name}\t#{pane_pid}\t#{window_activity}\t#{pane_dead}"
    /// Fast while a pane has moved lately, slow once all have been still for a while.
    public static let fastBeat = 0.25, slowBeat = 2.0, quietAfter = 10.0

    let sessions: TerminalSessions
    private var readActivity: [String: Int] = [:]
    private var lastMove = -Double.infinity
    /// tmux processes started, for the benchmark's per-minute figure.
    public private(set) var tmuxRuns = 0

    public init(sessions: TerminalSessions) {
        self.sessions = sessions
    }

    /// `list-panes` output → panes; lines it cannot read are skipped.
    static func panes(_ listing: String) -> [Pane] {
        listing.split(separator: "\n").compactMap { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count >= 4, let pid = Int32(f[1]), let activity = Int(f[2]) else { return nil }
            return Pane(session: String(f[0]), pid: pid, activity: activity, dead: f[3] == "1")
        }
    }

    /// The panes that must be read again: those whose activity moved since their last
    /// reading, and those active in the current second (tmux counts whole seconds: a second
    /// change within it would otherwise go unseen).
    func moved(_ panes: [Pane], now: Double) -> [Pane] {
        panes.filter { pane in
            !pane.dead && (readActivity[pane.session] != pane.activity || Double(pane.activity) >= now.rounded(.down) - 1)
        }
    }

    /// One beat: the listing, then a capture of each pane that moved (among `watched`).
    public mutating func read(watching watched: Set<String>, now: Double) -> Reading {
        tmuxRuns += 1
        let listed = sessions.run(["list-panes", "-a", "-F", Self.format])
        let panes = listed.succeeded ? Self.panes(listed.stdout).filter { watched.contains($0.session) } : []
        let moving = moved(panes, now: now)
        var screens: [String: String] = [:]
        if !moving.isEmpty {
            tmuxRuns += 1
            screens = Self.screens(sessions.run(Self.captureAll(moving.map(\.session))).stdout)
            for pane in moving where screens[pane.session] != nil { readActivity[pane.session] = pane.activity }
            lastMove = now
        }
        return Reading(panes: panes, screens: screens, time: now)
    }

    /// Each pane's screen after a marker line naming it, in one tmux command line.
    static func captureAll(_ names: [String]) -> [String] {
        names.flatMap { name in
            ["display-message", "-p", "-t", "=\(name):", marker + "#{session_name}" + marker, ";", "capture-pane", "-p", "-t", "=\(name):", ";"]
        }.dropLast()
    }

    /// Marks where one pane's screen starts in the chained output: a control character no
    /// captured screen holds (capture-pane without -e prints text only).
    static let marker = "\u{1}"

    /// The chained output cut back into screens by session.
    static func screens(_ output: String) -> [String: String] {
        var screens: [String: String] = [:]
        var name: String?
        var lines: [Substring] = []
        func flush() { if let name { screens[name] = lines.joined(separator: "\n") + "\n" } }
        for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(marker), line.hasSuffix(marker), line.count >= 2 {
                flush()
                name = String(line.dropFirst().dropLast())
                lines = []
            } else {
                lines.append(line)
            }
        }
        flush()
        return screens
    }

    /// Seconds to the next beat.
    public func beat(now: Double) -> Double {
        now - lastMove < Self.quietAfter ? Self.fastBeat : Self.slowBeat
    }
}
