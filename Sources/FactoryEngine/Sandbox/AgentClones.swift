import Foundation
import PlanDocument
#if canImport(Glibc)
import Glibc
#endif

/// The agents' checkouts as factory works with them: each role's clone of the main
/// repository at `worktrees/<role>`, on its branch `agent/<role>`.
///
/// How code moves: an agent commits in its clone only (its sandbox cannot write the main
/// repository). Factory fetches the clone's `agent/<role>` into the main repository's
/// `refs/heads/agent/<role>` when the clone changes, when the agent ends, and before
/// validation and the merge — so ahead/behind, diffs, the merge queue and HISTORY.md all
/// read the main repository's refs, as they always have. A validator is put on the
/// builder's work by a fetch of `agent/builder` into its clone and a hard reset there.
/// The clone borrows the main repository's objects (`--shared`, read-only through its
/// alternates), so a clone costs the checkout only.
public struct AgentClones: Sendable {
    public let paths: WorkspacePaths
    public let support: SandboxSupport

    public init(paths: WorkspacePaths, support: SandboxSupport = .current) {
        self.paths = paths
        self.support = support
    }

    /// The clones of the factory around the checkout at `path` (`<root>/worktrees/<role>`).
    static func around(_ path: String) -> (AgentClones, role: String)? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count > 2, parts[parts.count - 2] == "worktrees", let role = parts.last.map(String.init), Role.all.contains(role) else { return nil }
        let paths = WorkspacePaths(root: parts.dropLast(2).joined(separator: "/"))
        guard paths.worktree(role) == path, FileManager.default.fileExists(atPath: paths.comms) else { return nil }
        return (AgentClones(paths: paths), role)
    }

    public func checkout(_ role: String) -> AgentCheckout { AgentCheckout.at(paths.worktree(role), root: paths.root) }

    /// The sandbox of `role`'s agent (running `command`); nil without bubblewrap.
    public func sandbox(_ role: String, checkout: AgentCheckout? = nil, command: [String] = []) -> SandboxSpec? {
        support.program.map { SandboxPolicy.agent(role, paths: paths, program: $0, checkout: checkout ?? self.checkout(role), command: command) }
    }

    /// Git on `role`'s checkout: in its sandbox when it is a clone (see `CloneGit`), writing
    /// nothing but the clone.
    public func git(_ role: String) -> CloneGit {
        let checkout = checkout(role)
        guard checkout.isClone, var sandbox = sandbox(role, checkout: checkout) else { return CloneGit(path: checkout.path, sandbox: nil) }
        sandbox.mounts = sandbox.mounts.map { $0.access == .writable && $0.path != checkout.path ? .init(.readOnly, $0.path) : $0 }
        return CloneGit(path: checkout.path, sandbox: sandbox)
    }

    // MARK: code back and forth

    /// The clone's `agent/<role>` into the main repository's `refs/heads/agent/<role>`
    /// (forced: the branch is the agent's to rewrite). Safe against a hostile clone: see
    /// `CloneGit`. Received objects are checked (`transfer.fsckObjects`): a tree that would
    /// write into `.git` when main checks it out is refused here. Nil, or why it failed.
    @discardableResult
    public func fetchBack(_ role: String) -> String? {
        let checkout = checkout(role)
        guard checkout.isClone else { return nil }
        let branch = "refs/heads/agent/\(role)"
        let result = Git(paths.root).run(["-c", "transfer.fsckObjects=true", "fetch", "--quiet", "--no-tags", "--no-write-fetch-head",
                                          "--no-recurse-submodules", checkout.path, "+\(branch):\(branch)"])
        return result.succeeded ? nil : "cannot fetch \(role)'s branch from \(paths.relative(checkout.path)): \(result.firstErrorLine)"
    }

    /// Every clone's branch fetched back; the first failure, if any.
    public func fetchAll() -> String? {
        Role.all.compactMap { fetchBack($0) }.first
    }

    /// Puts `role`'s checkout on `source`'s branch as the main repository has it (a validator
    /// on the builder's work): a fetch into its clone and a hard reset there, in its sandbox.
    /// Nil, or why it could not.
    public func reset(_ role: String, toBranchOf source: String) -> String? {
        let from = "refs/heads/agent/\(source)"
        guard let commit = try? Git(paths.root).output(["rev-parse", "--verify", "--quiet", "\(from)^{commit}"]) else {
            return "cannot reset \(role)'s worktree to agent/\(source): the branch is missing"
        }
        let checkout = checkout(role), git = git(role)
        switch checkout.kind {
        case .missing: return "cannot reset \(role)'s worktree to agent/\(source): \(paths.relative(checkout.path)) has no git folder"
        case .worktree:
            let result = git.run(["reset", "--quiet", "--hard", commit])
            return result.succeeded ? nil : "cannot reset \(role)'s worktree to agent/\(source): \(result.firstErrorLine)"
        case .clone: break
        }
        let fetched = git.run(["fetch", "--quiet", "--no-tags", paths.root, "+\(from):refs/remotes/origin/agent/\(source)"])
        guard fetched.succeeded else { return "cannot fetch agent/\(source) into \(role)'s clone: \(fetched.firstErrorLine)" }
        let result = git.run(["reset", "--quiet", "--hard", commit])
        return result.succeeded ? nil : "cannot reset \(role)'s clone to agent/\(source): \(result.firstErrorLine)"
    }

    // MARK: making clones

    /// A clone for `role` at `worktrees/<role>` on `agent/<role>` (made from HEAD if missing).
    public func create(_ role: String) throws(GitError) {
        let main = Git(paths.root), branch = "agent/\(role)"
        if !main.branchExists(branch) { _ = try main.output(["branch", branch]) }
        _ = try main.output(["clone", "--quiet", "--shared", "--branch", branch, paths.root, paths.worktree(role)])
        configure(paths.worktree(role))
    }

    /// Makes a clean git worktree on its branch a clone, in place: its files stay as they are
    /// (ignored ones too), its git folder becomes its own. Nil when done or nothing to do;
    /// otherwise the one line saying why it was left as it is.
    public func convert(_ role: String) -> String? {
        let checkout = checkout(role)
        guard case .worktree = checkout.kind, let record = AgentCheckout.worktreeRecord(of: checkout.path, root: paths.root) else { return nil }
        let path = checkout.path, shown = paths.relative(path), branch = "agent/\(role)"
        // Through the main repository's own folder for the worktree, not what the worktree's
        // `.git` file says (its agent may have written it): the config is the main
        // repository's, so git unconfined is safe here.
        let git = Git(paths.root, gitDirectory: record.folder, workTree: path)
        let head = git.run(["symbolic-ref", "--quiet", "--short", "HEAD"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard head == branch else {
            return "\(shown) stays a git worktree: it is on \(head.isEmpty ? "a detached HEAD" : head), not \(branch) (its agent can still move any branch)"
        }
        let status = git.run(["status", "--porcelain", "--untracked-files=normal"])
        guard status.succeeded, status.stdout.isEmpty else {
            return "\(shown) stays a git worktree until it is clean (its agent can still move any branch): commit or discard its changes, then run factory init"
        }
        let admin = record.folder
        let staging = "\(paths.worktrees)/.\(role).clone"
        try? FileManager.default.removeItem(atPath: staging)
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let made = Git(paths.root).run(["clone", "--quiet", "--shared", "--no-checkout", "--branch", branch, paths.root, staging])
        guard made.succeeded else { return "\(shown) stays a git worktree: \(made.firstErrorLine)" }
        guard rename("\(path)/.git", "\(path)/.git.worktree") == 0 else { return "\(shown) stays a git worktree: \(errnoText())" }
        guard rename("\(staging)/.git", "\(path)/.git") == 0 else {
            let why = errnoText()
            rename("\(path)/.git.worktree", "\(path)/.git")
            return "\(shown) stays a git worktree: \(why)"
        }
        // The index from the branch's tip; the files are not touched.
        _ = CloneGit(path: path, sandbox: nil).run(["reset", "--quiet"])
        configure(path)
        unlink("\(path)/.git.worktree")
        try? FileManager.default.removeItem(atPath: admin)
        _ = Git(paths.root).run(["worktree", "prune"])
        return nil
    }

    /// The main repository's own identity, where it has one, for the agent's commits (a
    /// clone does not share its config).
    private func configure(_ clone: String) {
        let main = Git(paths.root)
        for key in ["user.name", "user.email"] {
            if let value = try? main.output(["config", "--local", "--get", key]) { _ = Git(clone).run(["config", key, value]) }
        }
    }
}
