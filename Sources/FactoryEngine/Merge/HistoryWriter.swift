import Dispatch
import Foundation

/// Writes a merge's HISTORY.md entry as a commit on top of the merged tip, without touching
/// the checkout: main then moves to the merge and its history in one fast-forward, or not
/// at all.
///
/// Runs on the engine's queue, as the merge it belongs to does (asserted).
struct HistoryWriter {
    static let path = ".agent-comms/HISTORY.md"

    let queue: DispatchQueue
    let git: Git
    /// `-c user.name=… -c user.email=…` when the repository has no identity of its own.
    let identity: [String]

    /// A commit on `tip` whose HISTORY.md is main's with `entry` appended: a blob, a tree
    /// built in a private index, `git commit-tree`. Each step's failure is the error.
    /// HISTORY.md is factory's record: what an agent's branch did to it is left out, and
    /// the branches that did are named in `Written.rewrote`.
    func commit(_ entry: HistoryEntry, onto tip: String, base: String, branches: [String]) -> Result<Written, GitError> {
        dispatchPrecondition(condition: .onQueue(queue))
        do throws(GitError) {
            let files = try git.output(["diff", "--name-only", base, tip]).split(separator: "\n").map(String.init)
            let commits = try git.output(["log", "--no-merges", "--format=- %h %s", "\(base)..\(tip)"]).split(separator: "\n").map(String.init)
            let current = (try? git.output(["show", "\(base):\(Self.path)"])).map { $0 + "\n" } ?? FactoryInit.historyTemplate
            let rewrote = branches.filter { !git.run(["diff", "--quiet", base, "refs/heads/\($0)", "--", Self.path]).succeeded }
            let blob = try storeBlob(current + entry.text(files: files, commits: commits))
            let scratch = NSTemporaryDirectory() + "factory-history-\(UUID().uuidString).index"
            let index = ["GIT_INDEX_FILE": scratch]
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            try run(["read-tree", tip], index)
            try run(["update-index", "--add", "--cacheinfo", "100644,\(blob),\(Self.path)"], index)
            let tree = try run(["write-tree"], index)
            let commit = try git.output(identity + ["commit-tree", tree, "-p", tip, "-m", "factory: history for \(entry.feature)"])
            return .success(Written(commit: commit, rewrote: rewrote))
        } catch {
            return .failure(GitError("cannot commit \(Self.path): \(error.description)"))
        }
    }

    struct Written {
        var commit: String
        /// Agent branches whose changes to HISTORY.md were left out.
        var rewrote: [String]
    }

    /// The new HISTORY.md as a blob in the repository, through a temporary file.
    private func storeBlob(_ text: String) throws(GitError) -> String {
        let scratch = NSTemporaryDirectory() + "factory-history-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        guard FileManager.default.createFile(atPath: scratch, contents: Data(text.utf8)) else {
            throw GitError("cannot write a temporary file for HISTORY.md in \(NSTemporaryDirectory())")
        }
        return try git.output(["hash-object", "-w", "--", scratch])
    }

    /// git with a private index file.
    @discardableResult
    private func run(_ args: [String], _ environment: [String: String]) throws(GitError) -> String {
        let result = ProcessRunner.run(["git", "--no-optional-locks", "-C", git.directory] + args, environment: environment)
        guard result.succeeded else { throw GitError("git \(args.first ?? ""): \(result.firstErrorLine)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
