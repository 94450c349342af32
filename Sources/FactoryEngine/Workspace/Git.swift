/// The git commands the engine runs, each one `git -C DIR …` with argv only.
public struct Git: Sendable {
    public let directory: String
    /// `--git-dir` and `--work-tree`, when the git folder is named rather than found.
    private var location: [String] = []

    public init(_ directory: String) { self.directory = directory }

    /// A working tree whose git folder is `gitDirectory`, whatever its own `.git` says.
    init(_ directory: String, gitDirectory: String, workTree: String) {
        self.directory = directory
        location = ["--git-dir=\(gitDirectory)", "--work-tree=\(workTree)"]
    }

    /// `--no-optional-locks` so watching a repository never blocks the agents working in it.
    /// `limit`: at most that many bytes of stdout (see `ProcessRunner.run`).
    public func run(_ args: [String], limit: Int? = nil) -> ProcessResult {
        ProcessRunner.run(Self.launch + [directory] + location + args, limit: limit)
    }

    /// How every git command of factory starts; in /proc, it marks one of factory's own
    /// reads in a worktree (by the driving engine, say), which is nobody's agent.
    static let launch = ["git", "--no-optional-locks", "-C"]

    /// Output of a command that must succeed, trimmed; throws its first error line otherwise.
    public func output(_ args: [String]) throws(GitError) -> String {
        try run(args).output(of: args)
    }

    public var topLevel: String? {
        let r = run(["rev-parse", "--show-toplevel"])
        return r.succeeded ? r.stdout.split(separator: "\n").first.map(String.init) : nil
    }

    public var hasCommits: Bool { run(["rev-parse", "--verify", "--quiet", "HEAD"]).succeeded }

    /// Staged changes exist (a commit now would take them along).
    public var hasStagedChanges: Bool {
        hasCommits ? !run(["diff", "--cached", "--quiet"]).succeeded
                   : !((try? output(["ls-files", "--cached"])) ?? "").isEmpty
    }

    public func branchExists(_ name: String) -> Bool {
        run(["rev-parse", "--verify", "--quiet", "refs/heads/\(name)"]).succeeded
    }
}

extension ProcessResult {
    /// The stdout of git `args` that must have succeeded, trimmed; its first error line otherwise.
    func output(of args: [String]) throws(GitError) -> String {
        guard succeeded else { throw GitError("git \(args.joined(separator: " ")): \(firstErrorLine)") }
        var out = Substring(stdout)
        while out.last == "\n" { out = out.dropLast() }
        return String(out)
    }
}

public struct GitError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
