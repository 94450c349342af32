import Foundation
import PlanDocument

/// Merges the agents' branches into the main branch — all or nothing.
///
/// The whole sequence is tried first without touching main: each branch is merged onto the
/// previous result with `git merge-tree --write-tree`, and each clean result becomes a real
/// `--no-ff` merge commit with `git commit-tree` (builder first). Only when every branch
/// merged cleanly does main move, by a fast-forward to the last of those commits. On a
/// conflict main is untouched and the conflicting files are reported.
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

    public init(root: String, mainBranch: String) {
        git = Git(root)
        self.mainBranch = mainBranch
    }

    /// The merge, tried in full before main moves.
    public func plan() -> Outcome {
        guard let base = try? git.output(["rev-parse", "refs/heads/\(mainBranch)"]) else { return .failed("no branch \(mainBranch)") }
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
        let result = git.run(["merge", "--quiet", "--ff-only", tip])
        return result.succeeded ? nil : "cannot move \(mainBranch): \(result.firstErrorLine)"
    }

    /// `-c user.name=… -c user.email=…` when the repository has no identity of its own.
    var identity: [String] {
        (try? git.output(["config", "user.email"])) == nil ? ["-c", "user.name=factory", "-c", "user.email=factory@localhost"] : []
    }
}

extension Engine {
    func runMerge() -> Bool {
        let queue = MergeQueue(root: paths.root, mainBranch: mainBranch)
        switch queue.plan() {
        case .nothingToMerge:
            return transition(to: .done, "no agent branch had commits to merge")
        case let .failed(reason):
            return block("merge failed: \(reason)")
        case let .conflict(branch, files):
            state.conflicts = files
            event("conflict", "merging \(branch) would conflict in \(files.joined(separator: ", ")); main untouched")
            return block("merge conflict merging \(branch): \(files.joined(separator: ", "))")
        case let .merged(base, tip, branches):
            if let problem = queue.apply(tip: tip) { return block(problem) }
            state.conflicts = []
            state.mergedCommit = tip
            writeHistory(base: base, tip: tip, branches: branches, git: queue.git, identity: queue.identity)
            event("merged", "merged \(branches.joined(separator: ", ")) into \(mainBranch)")
            return transition(to: .done, "merged \(branches.count) branch(es) into \(mainBranch)")
        }
    }

    /// A HISTORY.md entry for the merge — what changed and why, lessons, files, commits —
    /// committed on main.
    private func writeHistory(base: String, tip: String, branches: [String], git: Git, identity: [String]) {
        let files = (try? git.output(["diff", "--name-only", base, tip]))?.split(separator: "\n").map { "- `\($0)`" } ?? []
        let commits = (try? git.output(["log", "--no-merges", "--format=- %h %s", "\(base)..\(tip)"]))?.split(separator: "\n").map(String.init) ?? []
        let built = plan.view.tasks.filter { $0.agent.lowercased() == "builder" }.map { "- \($0.id): \($0.description)" }
        var entry = "\n## \(Clock.day()) — \(state.feature)\n\n**Why:** \(state.feature)\n\n**What changed:**\n"
        entry += (built.isEmpty ? ["- (no builder tasks recorded)"] : built).joined(separator: "\n")
        entry += "\n\n**Lessons:** \(state.validationFailures == 0 ? "validation passed the first time" : "validation failed \(state.validationFailures) time(s) before passing")\n"
        entry += "\n**Branches:** \(branches.joined(separator: ", "))\n\n**Files:**\n\(files.joined(separator: "\n"))\n\n**Commits:**\n\(commits.joined(separator: "\n"))\n"
        let fd = open(paths.history, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        _ = Array(entry.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        _ = git.run(["add", "--", ".agent-comms/HISTORY.md"])
        _ = git.run(identity + ["commit", "--quiet", "-m", "factory: history for \(state.feature)", "--", ".agent-comms/HISTORY.md"])
    }
}
