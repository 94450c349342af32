import Foundation

/// A worktree that is not on its agent's branch (a detached HEAD, another branch): what the
/// agent commits there reaches no branch the pipeline validates or merges, so the pipeline
/// stops rather than pass off the branch without that work as the work.
enum WorktreeBranch {
    /// Why `role`'s worktree is not on `agent/<role>`, or nil. A missing or broken worktree
    /// is nil here: it is reported on its own.
    static func problem(_ role: String, _ clones: AgentClones) -> String? {
        let paths = clones.paths, worktree = paths.worktree(role), shown = paths.relative(worktree)
        guard FileManager.default.fileExists(atPath: worktree) else { return nil }
        let branch = "agent/\(role)"
        // --quiet: exit 1 for a detached HEAD, 128 for no repository at all.
        let head = clones.git(role).run(["symbolic-ref", "--quiet", "--short", "HEAD"])
        let on = head.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard head.status == 1 || (head.succeeded && on != branch) else { return nil }
        let place = head.succeeded ? "on \(on)" : "on a detached HEAD"
        return "\(role)'s worktree \(shown) is \(place), not \(branch): commits made there are on no branch the factory merges; "
            + "put them on it (git -C \(shown) switch -C \(branch)), then factory resume"
    }
}
