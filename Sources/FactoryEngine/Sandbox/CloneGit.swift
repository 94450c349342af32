import Foundation

/// Git on an agent's clone, run inside that agent's sandbox.
///
/// The clone's `.git/config` is the agent's to write, and git runs programs that config
/// names: `core.fsmonitor` at every `status`, clean and smudge filters that `.gitattributes`
/// assigns (at `status`, `reset`, `checkout`), `core.hooksPath` and its hooks
/// (`reference-transaction` at any ref update), `diff.external`, `gpg.program` for
/// `log.showSignature`, `url.<x>.insteadOf` at `fetch`, and whatever `include.path` pulls in.
/// No list of keys to switch off would stay complete (and git 2.39 cannot ignore in-tree
/// attributes at all), so factory does not try: what such a config runs, runs confined,
/// able to do only what the agent itself could, and is stopped after `timeout` seconds so
/// it cannot hold the engine. Without bubblewrap (or for a checkout that is a git worktree,
/// whose config is the main repository's) git runs plainly.
///
/// Fetching the agent's branch into the main repository (`AgentClones.fetchBack`) is the
/// other way code crosses, and needs no sandbox: git runs `upload-pack` in the clone, which
/// is made to serve untrusted repositories — it runs no hooks, no fsmonitor, no filters, and
/// takes `uploadpack.packObjectsHook` only from the user's own config, never the repository's.
public struct CloneGit: Sendable {
    public let path: String
    let sandbox: SandboxSpec?
    /// Seconds a command may take before it is stopped.
    var timeout = 20.0

    public init(path: String, sandbox: SandboxSpec?) {
        self.path = path
        self.sandbox = sandbox
    }

    public func run(_ args: [String], limit: Int? = nil) -> ProcessResult {
        let argv = Git.launch + [path] + args
        // A checkout whose `.git` is gone must not be taken for the main repository around
        // it (`worktrees/` lies in the main checkout): a reset would reset main.
        let environment = ["GIT_CEILING_DIRECTORIES": (path as NSString).deletingLastPathComponent]
        guard let sandbox else { return ProcessRunner.run(argv, environment: environment, limit: limit, timeout: timeout) }
        // From /: a git read must not look like a process working in the clone.
        return ProcessRunner.run(Bubblewrap.arguments(sandbox, command: argv, directory: "/"), environment: environment, limit: limit, timeout: timeout)
    }

    /// Output of a command that must succeed, trimmed; throws its first error line otherwise.
    public func output(_ args: [String]) throws(GitError) -> String {
        try run(args).output(of: args)
    }
}
