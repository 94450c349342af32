import Foundation
import PlanDocument

/// Merges the agents' branches into the main branch — all or nothing.
///
/// The whole sequence is tried first without touching main: each branch is merged onto the
/// previous result with `git merge-tree --write-tree`, and each clean result becomes a real
/// `--no-ff` merge commit with `git commit-tree` (builder first). Only when every branch
/// merged cleanly does main move, by a fast-forward to the last of those commits — with the
/// HISTORY.md entry committed on top first, so main gets the merge and its history
/// together or not at all. On a conflict main is untouched and the conflicting files are
/// reported; a missing agent branch, or a worktree off its branch (whose commits would be
/// left out), is a failure, never a branch silently left out.
public struct MergeQueue {
    public static let order = ["builder", "tester", "reviewer", "security", "docwriter", "architect"]

    public enum Outcome: Equatable {
        case nothingToMerge
        case merged(base: String, tip: String, branches: [String])
        case conflict(branch: String, files: [String])
        case failed(String)
    }

    let git: Git
    let mainBranch: String
    let clones: AgentClones

    public init(root: String, mainBranch: String, clones: AgentClones? = nil) {
        git = Git(root)
        self.mainBranch = mainBranch
        self.clones = clones ?? AgentClones(paths: WorkspacePaths(root: root))
    }

    /// The merge, tried in full before main moves. The agents' clones are fetched first:
    /// what is merged is each branch as its agent left it.
    public func plan() -> Outcome {
        guard let base = try? git.output(["rev-parse", "refs/heads/\(mainBranch)"]) else { return .failed("no branch \(mainBranch)") }
        if let problem = clones.fetchAll() { return .failed(problem) }
        if let missing = Self.order.map({ "agent/\($0)" }).first(where: { !git.branchExists($0) }) {
            return .failed("branch \(missing) is missing (renamed or deleted?)")
        }
        if let off = Self.order.lazy.compactMap({ WorktreeBranch.problem($0, clones) }).first {
            return .failed(off)
        }
        let branches = Self.order.map { "agent/\($0)" }.filter { branch in
            guard let count = try? git.output(["rev-list", "--count", "\(base)..refs/heads/\(branch)"]) else { return false }
            return (Int(count) ?? 0) > 0
        }
        guard !branches.isEmpty else { return .nothingToMerge }
        var tip = base
        for branch in branches {
            let result = git.run(["merge-tree", "--write-tree", "--name-only", "--no-messages", tip, "refs/heads/\(branch)"])
            let lines = result.stdout.split(separator: "\n").map(String.init)
            if result.status == 1 {
                return .conflict(branch: branch, files: Array(lines.dropFirst()).filter { !$0.isEmpty })
            }
            guard result.succeeded, let tree = lines.first else { return .failed("git merge-tree: \(result.firstErrorLine)") }
            let commit = git.run(identity + ["commit-tree", tree, "-p", tip, "-p", "refs/heads/\(branch)", "-m", "Merge branch '\(branch)'"])
            guard commit.succeeded else { return .failed("git commit-tree: \(commit.firstErrorLine)") }
            tip = commit.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return .merged(base: base, tip: tip, branches: branches)
    }

    /// Moves main to the planned tip (a fast-forward of the checkout).
    public func apply(tip: String) -> String? {
        let current = (try? git.output(["symbolic-ref", "--short", "HEAD"])) ?? ""
        guard current == mainBranch else { return "the main checkout is on \(current.isEmpty ? "a detached HEAD" : current), not \(mainBranch)" }
        if let lock = leftLock() { return "cannot move \(mainBranch): \(lock) is there (a git that stopped left it?); remove it if no git is running" }
        let result = git.run(["merge", "--quiet", "--ff-only", tip])
        guard !result.succeeded else { return nil }
        // git names the files in the way on the lines after the first.
        let lines = result.stderr.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let files = lines.dropFirst().prefix { !$0.hasPrefix("Please") && !$0.hasPrefix("Aborting") }
        return "cannot move \(mainBranch): \(result.firstErrorLine)" + (files.isEmpty ? "" : " \(files.joined(separator: ", "))")
    }

    /// A lock file on main's ref or HEAD. git would bring the merge into the checkout first
    /// and then fail to move main, leaving main's files half merged: so look before.
    private func leftLock() -> String? {
        for ref in ["refs/heads/\(mainBranch)", "HEAD"] {
            guard let lock = try? git.output(["rev-parse", "--git-path", "\(ref).lock"]) else { continue }
            if FileManager.default.fileExists(atPath: lock.hasPrefix("/") ? lock : "\(git.directory)/\(lock)") { return lock }
        }
        return nil
    }

    /// `-c user.name=… -c user.email=…` when the repository has no identity of its own.
    var identity: [String] {
        (try? git.output(["config", "user.email"])) == nil ? ["-c", "user.name=factory", "-c", "user.email=factory@localhost"] : []
    }
}
