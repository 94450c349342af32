@testable import FactoryEngine
import Foundation
import XCTest

/// The sandbox as values: what a role's agent may write, what is hidden from it, the
/// bubblewrap command line; a role that opts out; a clone's config that would run programs.
final class SandboxPolicyTests: XCTestCase {
    private let paths = WorkspacePaths(root: "/work/repo")

    private func mounts(_ spec: SandboxSpec, _ access: SandboxSpec.Access) -> [String] {
        spec.mounts.filter { $0.access == access }.map(\.path)
    }

    /// A clone: it writes its clone, home, copy of PLAN.md and hook records — nothing of the
    /// main repository, the other clones or the rest of its run folder.
    func testAnAgentWritesItsCloneHomeAndCopyOnly() {
        let spec = SandboxPolicy.agent("builder", paths: paths, program: "/usr/bin/bwrap",
                                       checkout: AgentCheckout(path: paths.worktree("builder"), kind: .clone), environment: [:], uid: 1000)
        XCTAssertEqual(spec.writable, ["/work/repo/.agent-comms/run/builder/home", "/work/repo/.agent-comms/run/builder/plan",
                                       "/work/repo/.agent-comms/run/builder/signals.jsonl", "/work/repo/worktrees/builder"])
        XCTAssertEqual(Array(mounts(spec, .readOnly).prefix(2)), ["/work/repo", "/work/repo/.agent-comms/run/builder"])
        XCTAssertTrue(mounts(spec, .hidden).contains("/work/repo/.agent-comms/run"), "the other agents' keepers")
        XCTAssertEqual(spec.unsetEnvironment, ["SSH_AUTH_SOCK", "DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "GPG_AGENT_INFO"])
        // The order is what makes it hold: the run folders hidden, then its own shown again.
        let order = spec.mounts.map(\.path)
        XCTAssertLessThan(order.firstIndex(of: "/work/repo/.agent-comms/run")!, order.firstIndex(of: "/work/repo/.agent-comms/run/builder")!)
        XCTAssertLessThan(order.firstIndex(of: "/work/repo/.agent-comms/run/builder")!, order.firstIndex(of: "/work/repo/.agent-comms/run/builder/home")!)
    }

    /// An older factory's git worktree commits into the shared git folder: writable too.
    func testAWorktreeAgentWritesTheSharedGitFolder() {
        let spec = SandboxPolicy.agent("tester", paths: paths, program: "bwrap",
                                       checkout: AgentCheckout(path: paths.worktree("tester"), kind: .worktree(common: "/work/repo/.git")),
                                       environment: [:], uid: 1000)
        XCTAssertTrue(spec.writable.contains("/work/repo/.git"))
    }

    /// The ways out that live outside /tmp are hidden: the user's runtime folder, tmux's
    /// folder when TMUX_TMPDIR moves it, an ssh agent's socket, the session bus's.
    func testTheWaysOutAreHidden() {
        let environment = ["TMUX_TMPDIR": "/var/tmux", "SSH_AUTH_SOCK": "/home/u/.ssh/agent.sock",
                           "DBUS_SESSION_BUS_ADDRESS": "unix:path=/home/u/.bus,guid=1", "XDG_RUNTIME_DIR": "/tmp/runtime-u"]
        let hidden = SandboxPolicy.outsideHelpers(environment: environment, uid: 1000)
        for path in ["/run/user/1000", "/var/tmux/tmux-1000", "/home/u/.ssh/agent.sock", "/home/u/.bus", "/run/systemd/private"] {
            XCTAssertTrue(hidden.contains(path), "\(path) in \(hidden)")
        }
        XCTAssertFalse(hidden.contains("/tmp/runtime-u"), "under /tmp it is gone with the private /tmp")
        XCTAssertEqual(Set(hidden).count, hidden.count, "each once")
    }

    /// Its command's files under /tmp are shown read-only; the factory's own are there already
    /// (and a file bound alone could not be replaced by a rename).
    func testTheFilesItsCommandNamesUnderTmpAreShownReadOnly() throws {
        let script = NSTemporaryDirectory() + "agent-\(UUID().uuidString).sh"
        try "true\n".write(toFile: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: script) }
        let root = WorkspacePaths(root: NSTemporaryDirectory() + "factory-x")
        let spec = SandboxPolicy.agent("builder", paths: root, program: "bwrap", checkout: AgentCheckout(path: root.worktree("builder"), kind: .clone),
                                       command: ["sh", script, root.run("builder").planCopy, "/tmp/not-there"], environment: [:], uid: 1000)
        let shown = mounts(spec, .readOnly)
        XCTAssertTrue(shown.contains(script), "\(shown)")
        XCTAssertFalse(shown.contains(root.run("builder").planCopy))
        XCTAssertFalse(shown.contains("/tmp/not-there"))
    }

    /// FACTORY_SANDBOX_WRITABLE grants every agent a folder more (those that exist).
    func testFoldersGrantedByTheEnvironmentAreWritable() {
        let spec = SandboxPolicy.agent("builder", paths: paths, program: "bwrap", checkout: AgentCheckout(path: paths.worktree("builder"), kind: .clone),
                                       environment: ["FACTORY_SANDBOX_WRITABLE": "/tmp:relative:/no/such/folder"], uid: 1000)
        XCTAssertEqual(spec.writable.last, "/tmp")
        XCTAssertFalse(spec.writable.contains("relative") || spec.writable.contains("/no/such/folder"))
    }

    /// bubblewrap's command line: no capabilities, a PID namespace, the system read-only,
    /// then the policy's mounts in order, and the agent's argv after `--`.
    func testTheBubblewrapCommandLine() {
        let spec = SandboxSpec(program: "/usr/bin/bwrap", mounts: [.init(.readOnly, "/r"), .init(.writable, "/r/w"), .init(.hidden, "/no/such/path")],
                               unsetEnvironment: ["SSH_AUTH_SOCK"])
        let args = Bubblewrap.arguments(spec, command: ["claude", "-p"], directory: "/r/w")
        XCTAssertEqual(args.first, "/usr/bin/bwrap")
        for flag in ["--die-with-parent", "--unshare-pid", "--unshare-ipc"] { XCTAssertTrue(args.contains(flag), flag) }
        XCTAssertEqual(args.firstIndex(of: "--cap-drop").map { args[$0 + 1] }, "ALL")
        let tail = Array(args.suffix(13))
        XCTAssertEqual(tail, ["--ro-bind-try", "/r", "/r", "--bind", "/r/w", "/r/w", "--unsetenv", "SSH_AUTH_SOCK", "--chdir", "/r/w", "--", "claude", "-p"],
                       "a hidden path that is not there is left out")
        XCTAssertLessThan(args.firstIndex(of: "--tmpfs")!, args.firstIndex(of: "/r")!, "the private /tmp first")
        XCTAssertEqual(Bubblewrap.exit(code: 0).code, 0)
        XCTAssertEqual(Bubblewrap.exit(code: 137).signal, 9)
        XCTAssertEqual(Bubblewrap.exit(code: 128).code, 128)
    }

    /// `sandbox: off` opts a role out; anything else but on is an error that says so.
    func testARoleFileSaysSandboxOff() throws {
        XCTAssertTrue(try RoleDefinition.parse(role: "builder", text: "# builder\n").sandboxed)
        XCTAssertFalse(try RoleDefinition.parse(role: "builder", text: "---\nsandbox: off\n---\n").sandboxed)
        XCTAssertFalse(try RoleDefinition.parse(role: "builder", text: "---\nsandbox: \"off\"\n---\n").sandboxed)
        XCTAssertTrue(try RoleDefinition.parse(role: "builder", text: "---\nsandbox: on\n---\n").sandboxed)
        XCTAssertThrowsError(try RoleDefinition.parse(role: "builder", text: "---\nsandbox: maybe\n---\n")) {
            XCTAssertEqual("\($0)", "agents/builder.md: sandbox must be on (confined, the default) or off (runs as you, unconfined), got \"maybe\"")
        }
    }

    /// What in a clone's git folder would run a program: keys by name and by driver, hooks.
    func testAClonesConfigThatWouldRunProgramsIsFound() {
        let config = """
        [core]
        \trepositoryformatversion = 0
        \tfsmonitor = touch /x
        [filter "evil"]
        \tclean = cat
        \tsmudge = cat
        [diff "x"]
        \ttextconv = cat
        [remote "origin"]
        \turl = /work/repo
        \tuploadpack = sh -c x
        [pager]
        \tlog = less
        [user]
        \temail = a@b
        """
        XCTAssertEqual(CloneConfig.programs(config: config, hooks: ["pre-commit.sample", "post-checkout"]),
                       ["core.fsmonitor", "filter.evil.clean", "filter.evil.smudge", "diff.x.textconv", "remote.origin.uploadpack", "pager.log",
                        "hook post-checkout"])
        XCTAssertEqual(CloneConfig.programs(config: "[core]\n\tbare = false\n[user]\n\tname = x\n"), [])
    }
}
