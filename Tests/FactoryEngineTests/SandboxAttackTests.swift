@testable import FactoryEngine
import Foundation
import PlanDocument
import XCTest

/// A hostile agent per attack — a shell script as a role's agent, under its real keeper,
/// started by the real engine, in its real sandbox — that tries to get out of its clone.
/// Each attack fails, says so in the agent's log (or, where the engine can see it, in the
/// attention queue), and loses nothing: main's ref and files, the other clones, the user's
/// home are as they were. Run unconfined (a bwrap that confines nothing, or `sandbox: off`),
/// every one of these tests fails.
final class SandboxAttackTests: XCTestCase {
    override func setUpWithError() throws { try requireSandbox() }

    /// (a) The main checkout: its files appended to, added to, removed; PLAN.md overwritten.
    func testAnAgentCannotChangeTheMainCheckout() throws {
        let h = try AttackFactory(test: self)
        let readme = try String(contentsOfFile: h.root + "/README.md", encoding: .utf8)
        let plan = try String(contentsOfFile: h.paths.plan, encoding: .utf8)
        let log = try h.attack("architect", """
        attempt 'echo evil >> "$ROOT/README.md"'
        attempt 'echo evil > "$ROOT/planted.txt"'
        attempt 'rm "$ROOT/agents/builder.md"'
        attempt 'echo evil > "$ROOT/.agent-comms/PLAN.md"'
        attempt 'mv "$ROOT/.gitignore" "$ROOT/.gitignore.gone"'
        echo mine > own.txt && echo "own clone written"
        """)
        assertRefused(log, attempts: 5, saying: "Read-only file system")
        XCTAssertTrue(log.contains("own clone written"), "the agent ran, and wrote its own clone:\n\(log)")
        XCTAssertEqual(try String(contentsOfFile: h.root + "/README.md", encoding: .utf8), readme)
        XCTAssertEqual(try String(contentsOfFile: h.paths.plan, encoding: .utf8), plan)
        XCTAssertFalse(FileManager.default.fileExists(atPath: h.root + "/planted.txt"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: h.root + "/agents/builder.md"))
        XCTAssertEqual(h.git("status", "--porcelain", "--", ".gitignore", "README.md", "agents/builder.md"), "", "the main checkout is as it was")
    }

    /// (b) Another agent's clone: its files, its git config and hooks, its branch.
    func testAnAgentCannotWriteAnotherAgentsClone() throws {
        let h = try AttackFactory(test: self)
        let builder = h.paths.worktree("builder")
        let head = Git(builder).run(["rev-parse", "HEAD"]).stdout
        let config = try String(contentsOfFile: builder + "/.git/config", encoding: .utf8)
        let log = try h.attack("tester", """
        attempt 'echo evil > "$ROOT/worktrees/builder/planted.txt"'
        attempt 'echo evil >> "$ROOT/worktrees/builder/README.md"'
        attempt 'git -C "$ROOT/worktrees/builder" config core.fsmonitor "touch $ROOT/pwned"'
        attempt 'printf "#!/bin/sh\\ntouch $ROOT/pwned\\n" > "$ROOT/worktrees/builder/.git/hooks/pre-commit"'
        attempt 'git -C "$ROOT/worktrees/builder" commit --allow-empty -qm evil'
        """)
        assertRefused(log, attempts: 5, saying: "Read-only file system")
        XCTAssertEqual(Git(builder).run(["status", "--porcelain"]).stdout, "", "the builder's clone is as it was")
        XCTAssertEqual(Git(builder).run(["rev-parse", "HEAD"]).stdout, head)
        XCTAssertEqual(try String(contentsOfFile: builder + "/.git/config", encoding: .utf8), config)
        XCTAssertFalse(FileManager.default.fileExists(atPath: builder + "/.git/hooks/pre-commit"))
    }

    /// (c) The user's home: a line in `.bashrc`, a hook in Claude Code's settings and an
    /// fsmonitor in `.gitconfig` — each would run unconfined later, as the user. The agent's
    /// own HOME is a private one, seeded with the user's identity, and takes the plant.
    func testAnAgentCannotWriteTheUsersHome() throws {
        let h = try AttackFactory(test: self)
        let before = try FileManager.default.subpathsOfDirectory(atPath: h.home).sorted()
        let bashrc = try String(contentsOfFile: h.home + "/.bashrc", encoding: .utf8)
        let log = try h.attack("builder", """
        attempt 'echo "touch $ROOT/pwned" >> "$REALHOME/.bashrc"'
        attempt 'echo "{\\"hooks\\":{}}" > "$REALHOME/.claude/settings.json"'
        attempt 'printf "[core]\\n\\tfsmonitor = touch $ROOT/pwned\\n" >> "$REALHOME/.gitconfig"'
        echo "HOME is $HOME"
        echo "touch $ROOT/pwned" >> "$HOME/.bashrc" && echo "private home written"
        echo "the user's identity: $(git config --global user.email)"
        """)
        assertRefused(log, attempts: 3, saying: "Read-only file system")
        XCTAssertTrue(log.contains("HOME is \(h.paths.run("builder").home)"), log)
        XCTAssertTrue(log.contains("private home written"), log)
        XCTAssertTrue(log.contains("the user's identity: user@example.com"), "copied into the private home:\n\(log)")
        XCTAssertEqual(try FileManager.default.subpathsOfDirectory(atPath: h.home).sorted(), before, "nothing new in the user's home")
        XCTAssertEqual(try String(contentsOfFile: h.home + "/.bashrc", encoding: .utf8), bashrc)
        XCTAssertFalse(try String(contentsOfFile: h.home + "/.gitconfig", encoding: .utf8).contains("fsmonitor"))
    }

    /// (d) The main repository's refs and objects: main moved with update-ref, another
    /// agent's branch moved or deleted, a push, the objects deleted or pruned.
    func testAnAgentCannotMoveBranchesOrDeleteObjectsOfTheMainRepository() throws {
        let h = try AttackFactory(test: self)
        let refs = h.git("for-each-ref", "--format=%(refname) %(objectname)")
        let log = try h.attack("builder", """
        FIRST=$(git -C "$ROOT" rev-list --max-parents=0 main); export FIRST
        git update-ref refs/heads/main HEAD && echo "own clone's ref moved (its own business)"
        attempt 'git -C "$ROOT" update-ref refs/heads/main "$FIRST"'
        attempt 'git -C "$ROOT" update-ref refs/heads/agent/tester "$FIRST"'
        attempt 'git -C "$ROOT" branch -D agent/reviewer'
        attempt 'git push --force origin "$FIRST:refs/heads/main"'
        attempt 'find "$ROOT/.git/objects" -type f -delete'
        attempt 'git -C "$ROOT" reflog expire --expire=now --all && git -C "$ROOT" gc --prune=now --quiet'
        """)
        assertRefused(log, attempts: 6, saying: "Read-only file system")
        let after = h.git("for-each-ref", "--format=%(refname) %(objectname)")
        XCTAssertEqual(after, refs, "every ref of the main repository is where it was")
        XCTAssertTrue(Git(h.root).run(["fsck", "--connectivity-only", "--no-dangling"]).succeeded, "no object lost")
    }

    /// (e) A hostile `.git/config` in the agent's own clone, for the engine to run: an
    /// fsmonitor (run by `status`), hooks (any ref update, a checkout), clean and smudge
    /// filters on every file, an external diff, upload-pack's hook, a gpg program. The engine
    /// then does all it does to a clone — reads it, fetches its branch into the main
    /// repository, puts it on the builder's work, plans a merge — and none of it runs
    /// outside the agent's sandbox. Inside it, it did run: the engine raises it.
    func testAHostileGitConfigInTheAgentsCloneRunsNothingOutsideItsSandbox() throws {
        let h = try AttackFactory(test: self)
        let tester = h.paths.worktree("tester")
        let log = try h.attack("tester", """
        set -e
        mark() { printf 'touch "%s/pwned-%s" "%s/ran-%s"; ' "$ROOT" "$1" "$PWD" "$1"; }
        mkdir -p .git/evil-hooks
        for hook in reference-transaction post-checkout post-merge pre-auto-gc post-rewrite; do
            printf '#!/bin/sh\\n%s true\\n' "$(mark hook-$hook)" > .git/evil-hooks/$hook; chmod +x .git/evil-hooks/$hook
        done
        git config core.hooksPath "$PWD/.git/evil-hooks"
        git config core.fsmonitor "$(mark fsmonitor) false"
        echo '* filter=evil diff=evil' > .git/info/attributes
        git config filter.evil.clean "$(mark clean) cat"
        git config filter.evil.smudge "$(mark smudge) cat"
        git config filter.evil.required false
        git config diff.external "$(mark diff) true"
        git config diff.evil.textconv "$(mark textconv) cat"
        git config uploadpack.packObjectsHook "$(mark packhook) exec"
        git config core.alternateRefsCommand "$(mark altrefs) true"
        git config log.showSignature true
        git config gpg.program "$(mark gpg) false"
        echo "the tester's work" > work.txt
        git -c core.hooksPath=/dev/null add work.txt && git -c core.hooksPath=/dev/null -c core.fsmonitor= commit -qm "tester's work"
        echo changed >> README.md
        echo "config planted"
        """)
        XCTAssertTrue(log.contains("config planted"), log)
        let clones = AgentClones(paths: h.paths)
        // Everything the engine does to a clone.
        h.engine.refreshForTests()
        XCTAssertNil(clones.fetchBack("tester"))
        XCTAssertNil(clones.reset("tester", toBranchOf: "builder"))
        XCTAssertNil(WorktreeBranch.problem("tester", clones))
        _ = MergeQueue(root: h.root, mainBranch: "main", clones: clones).plan()
        _ = h.engine.diff(of: "tester")

        let pwned = try FileManager.default.contentsOfDirectory(atPath: h.root).filter { $0.hasPrefix("pwned-") }
        XCTAssertEqual(pwned, [], "ran outside the sandbox: \(pwned)")
        let inside = try FileManager.default.contentsOfDirectory(atPath: tester).filter { $0.hasPrefix("ran-") }
        XCTAssertTrue(inside.contains("ran-fsmonitor"), "the engine's git did run the config, confined: \(inside)")
        XCTAssertEqual(h.git("rev-parse", "agent/tester"), h.git("rev-parse", "agent/builder"), "the tester is on the builder's work")
        let raised = h.engine.snapshot().attention.first { $0.kind == .sandbox && $0.role == "tester" }
        XCTAssertTrue(raised?.message.contains("core.fsmonitor") ?? false, "\(String(describing: raised))")
        XCTAssertTrue(raised?.message.contains("only inside tester's sandbox") ?? false, "\(String(describing: raised))")
    }

    /// An agent in a terminal session (`session: tmux`: its keeper in a tmux pane, the agent
    /// on the pane's terminal) is confined the same: it has its terminal, and neither the main
    /// checkout nor the tmux server its pane belongs to.
    func testAnAgentInATerminalSessionIsConfinedAndKeepsItsTerminal() throws {
        guard ProcessRunner.run(["tmux", "-V"]).succeeded else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { return XCTFail("tmux is missing; CI installs it") }
            throw XCTSkip("tmux is not installed")
        }
        let h = try AttackFactory(test: self)
        let socket = TerminalSessions(root: h.root).socket
        addTeardownBlock { _ = ProcessRunner.run(["tmux", "-L", socket, "kill-server"]) }
        let log = try h.attack("builder", """
        if [ -t 0 ] && [ -t 1 ]; then echo "on a terminal"; fi
        attempt 'echo evil >> "$ROOT/README.md"'
        attempt 'tmux -L \(socket) new-window "touch $ROOT/pwned"'
        attempt 'test -n "$TMUX" && tmux list-sessions'
        sleep 0.3
        """, front: "session: tmux\n")
        assertRefused(log, attempts: 3, saying: "Read-only file system")
        XCTAssertTrue(log.contains("on a terminal"), log)
        XCTAssertEqual(h.engine.snapshot().agent("builder")?.sandbox, .on)
        XCTAssertFalse(FileManager.default.fileExists(atPath: h.root + "/pwned"))
    }

    /// (e, continued) The clone made to look like something else: its `.git` folder moved
    /// into the agent's home and replaced by a file naming it — hoping to be taken for a git
    /// worktree, whose git factory would run unconfined and whose agent may write the main
    /// repository's git folder — or removed, hoping the engine's git finds the main
    /// repository around it and resets main.
    func testAnAgentCannotPassItsCloneOffAsAWorktreeOrAsTheMainRepository() throws {
        let h = try AttackFactory(test: self)
        let clones = AgentClones(paths: h.paths)
        let refs = h.git("for-each-ref", "--format=%(refname) %(objectname)")
        try h.attack("tester", """
        mv .git "$HOME/gitdir" && printf 'gitdir: %s\n' "$HOME/gitdir" > .git
        git config core.fsmonitor "touch $ROOT/pwned-fsmonitor; false"
        echo changed >> README.md
        """)
        XCTAssertEqual(clones.checkout("tester").kind, .clone, "a .git file the main repository does not record is no worktree")
        h.engine.refreshForTests()
        XCTAssertNil(clones.fetchBack("tester"))
        // Its git folder is now in its home, which only the agent itself may write: the reset
        // may fail (said, as a block would say it) — it must not run anything outside.
        _ = clones.reset("tester", toBranchOf: "builder")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: h.root).filter { $0.hasPrefix("pwned") }, [])
        // Its next start gives it no more than a clone's.
        let again = try h.attack("tester", "attempt 'git -C \"$ROOT\" update-ref refs/heads/main HEAD'")
        assertRefused(again, attempts: 1, saying: "Read-only file system")

        try h.attack("security", "rm -rf .git && echo removed")
        XCTAssertEqual(clones.checkout("security").kind, .missing)
        XCTAssertNotNil(clones.reset("security", toBranchOf: "builder"), "refused, not done to the repository around it")
        XCTAssertEqual(WorktreeMonitor.status(of: h.paths.worktree("security"), mainBranch: "main", processes: [], clones: clones).health, .broken)
        XCTAssertEqual(h.git("for-each-ref", "--format=%(refname) %(objectname)"), refs, "every ref as it was")
        XCTAssertEqual(h.git("status", "--porcelain", "--", "README.md", "agents/builder.md"), "")
    }

    /// (f) Other agents' processes and keepers: a process outside cannot be seen or signalled
    /// (a PID namespace of its own), another agent's keeper socket is not there to connect
    /// to, nor is the user's tmux.
    func testAnAgentCannotSeeOrReachOtherAgentsProcesses() throws {
        let h = try AttackFactory(test: self)
        try "---\ncommand: [\"sleep\", \"120\"]\nretries: 0\n---\n# reviewer\n".write(toFile: "\(h.paths.agents)/reviewer.md", atomically: true, encoding: .utf8)
        try h.engine.spawn(role: "reviewer")
        let reviewer = try XCTUnwrap(h.engine.snapshot().agent("reviewer")?.pid)
        defer { try? h.engine.kill(role: "reviewer") }
        let log = try h.attack("security", """
        attempt 'grep -l "sleep.12[0]" /proc/[0-9]*/cmdline'
        attempt 'kill -0 \(reviewer)'
        attempt 'test -e "$ROOT/.agent-comms/run/reviewer/keeper.sock"'
        attempt 'ls /tmp/tmux-*'
        echo "sees $(ls /proc | grep -c '^[0-9]') processes"
        """)
        assertRefused(log, attempts: 4)
        XCTAssertTrue(h.engine.snapshot().agent("reviewer")?.state.isActive ?? false, "the reviewer runs on")
    }
}
