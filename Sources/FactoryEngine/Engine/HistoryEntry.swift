import Foundation
import PlanDocument

/// A `.agent-comms/HISTORY.md` entry for a merge — what changed and why, lessons, files,
/// commits — committed on top of the merged tip without touching the checkout, so main
/// moves to the merge and its history in one fast-forward, or not at all.
struct HistoryEntry {
    static let path = ".agent-comms/HISTORY.md"

    var feature: String
    /// This feature's builder tasks: what changed.
    var tasks: [PlanTask]
    var validationFailures: Int
    var branches: [String]
    var day: String

    func text(files: [String], commits: [String]) -> String {
        let built = tasks.map { "- \($0.id): \($0.description)" }
        var entry = "\n## \(day) — \(feature)\n\n**Why:** \(feature)\n\n**What changed:**\n"
        entry += (built.isEmpty ? ["- (no builder tasks recorded)"] : built).joined(separator: "\n")
        entry += "\n\n**Lessons:** \(validationFailures == 0 ? "validation passed the first time" : "validation failed \(validationFailures) time(s) before passing")\n"
        entry += "\n**Branches:** \(branches.joined(separator: ", "))\n\n**Files:**\n\(files.map { "- `\($0)`" }.joined(separator: "\n"))\n\n**Commits:**\n\(commits.joined(separator: "\n"))\n"
        return entry
    }

    /// A commit on `tip` whose HISTORY.md has this entry appended: a blob, a tree built in a
    /// private index, `git commit-tree`. Each step's failure is the error.
    func commit(onto tip: String, base: String, git: Git, identity: [String]) -> Result<String, GitError> {
        do throws(GitError) {
            let files = try git.output(["diff", "--name-only", base, tip]).split(separator: "\n").map(String.init)
            let commits = try git.output(["log", "--no-merges", "--format=- %h %s", "\(base)..\(tip)"]).split(separator: "\n").map(String.init)
            let current = (try? git.output(["show", "\(tip):\(Self.path)"])).map { $0 + "\n" } ?? FactoryInit.historyTemplate
            let scratch = NSTemporaryDirectory() + "factory-history-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            guard FileManager.default.createFile(atPath: scratch, contents: Data((current + text(files: files, commits: commits)).utf8)) else {
                throw GitError("cannot write a temporary file for HISTORY.md in \(NSTemporaryDirectory())")
            }
            let blob = try git.output(["hash-object", "-w", "--", scratch])
            let index = ["GIT_INDEX_FILE": scratch + ".index"]
            defer { try? FileManager.default.removeItem(atPath: scratch + ".index") }
            try run(git, ["read-tree", tip], index)
            try run(git, ["update-index", "--add", "--cacheinfo", "100644,\(blob),\(Self.path)"], index)
            let tree = try run(git, ["write-tree"], index)
            return .success(try git.output(identity + ["commit-tree", tree, "-p", tip, "-m", "factory: history for \(feature)"]))
        } catch {
            return .failure(GitError("cannot commit \(Self.path): \(error.description)"))
        }
    }

    /// git with a private index file.
    @discardableResult
    private func run(_ git: Git, _ args: [String], _ environment: [String: String]) throws(GitError) -> String {
        let result = ProcessRunner.run(["git", "--no-optional-locks", "-C", git.directory] + args, environment: environment)
        guard result.succeeded else { throw GitError("git \(args.first ?? ""): \(result.firstErrorLine)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
