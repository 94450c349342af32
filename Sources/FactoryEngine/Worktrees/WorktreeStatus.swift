/// What one agent's worktree looks like right now.
public struct WorktreeStatus: Sendable, Equatable, Encodable {
    public enum Health: String, Sendable, Encodable {
        case ok
        /// The directory is gone.
        case missing
        /// The directory exists but git cannot read it as a worktree.
        case broken
    }

    public var path: String
    public var health: Health
    /// Why the worktree is missing or broken, for the user.
    public var problem: String?
    public var branch: String?
    /// Short hash and subject of HEAD.
    public var head: String?
    /// HEAD's full hash, as the checkout's own git says it.
    public var oid: String?
    public var subject: String?
    /// Seconds since the epoch of HEAD's commit.
    public var committedAt: Int?
    public var staged = 0
    public var unstaged = 0
    public var untracked = 0
    public var ahead = 0
    public var behind = 0
    /// Newest of: HEAD's commit, the index, the changed files (seconds since the epoch).
    public var lastActivity: Int?
    /// Processes whose working directory is inside the worktree.
    public var processes: [ProcessInfo] = []
    /// For an agent's clone: what in its git folder would run a program when git works
    /// there (config keys, hooks) — run only inside its sandbox (`CloneGit`).
    public var programs: [String] = []

    public var dirty: Int { staged + unstaged + untracked }

    public struct ProcessInfo: Sendable, Equatable, Encodable {
        public var pid: Int32
        public var command: String
    }
}
