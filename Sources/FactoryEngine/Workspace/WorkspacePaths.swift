/// Where a factory's files are, from its repository root.
public struct WorkspacePaths: Sendable, Equatable {
    public let root: String

    public init(root: String) { self.root = root }

    public var comms: String { "\(root)/.agent-comms" }
    public var plan: String { "\(comms)/PLAN.md" }
    public var history: String { "\(comms)/HISTORY.md" }
    public var state: String { "\(comms)/state.json" }
    public var events: String { "\(comms)/events.jsonl" }
    /// The driving engine's socket: commands in, answers out.
    public var engineSocket: String { "\(comms)/engine.sock" }
    public var engineLock: String { "\(comms)/engine.lock" }
    public var logs: String { "\(comms)/logs" }
    /// The attention items the driving process has alerted to, so a restarted or taking-over
    /// driver does not alert to them again.
    public var notified: String { "\(comms)/notified.json" }
    public var agents: String { "\(root)/agents" }
    public var worktrees: String { "\(root)/worktrees" }

    /// A role's worktree. The role name was validated: it cannot leave `worktrees/`.
    public func worktree(_ role: String) -> String { "\(worktrees)/\(role)" }
    public func relative(_ path: String) -> String { path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path }

    /// The factory around `directory`: the git top level that has `.agent-comms/PLAN.md`.
    /// Run inside an agent's worktree it finds the main checkout.
    /// A factory whose PLAN.md has gone missing is still found by its engine's files, so a
    /// command can reach the engine that is reporting it.
    public static func find(from directory: String) throws(InitError) -> WorkspacePaths {
        if let found = Workspace.nearest([Workspace.planRelativePath, ".agent-comms/engine.lock", ".agent-comms/state.json"], from: directory) {
            return WorkspacePaths(root: found)
        }
        throw InitError("no factory here: \(Workspace.planRelativePath) not found in \(directory) or its parents; run `factory init`")
    }
}
