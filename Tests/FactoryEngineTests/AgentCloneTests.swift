@testable import FactoryEngine
import Foundation
import XCTest

/// The agents' clones with real git: code back into the main repository, a validator put
/// on the builder's work, an older factory's git worktrees made clones, and a hostile clone
/// that the main repository fetches from.
final class AgentCloneTests: XCTestCase {
    /// A factory with clones (`factory init`), removed afterwards.
    private func factory() throws -> (TempRepo, AgentClones) {
        let repo = try TempRepo()
        addTeardownBlock { repo.remove() }
        _ = try FactoryInit.run(in: repo.path, preset: "sim", today: "d")
        return (repo, AgentClones(paths: WorkspacePaths(root: repo.path)))
    }

    private func commit(in clone: String, _ file: String, _ text: String) throws -> String {
        try text.write(toFile: "\(clone)/\(file)", atomically: true, encoding: .utf8)
        _ = try Git(clone).output(["add", file])
        _ = try Git(clone).output(["commit", "--quiet", "-m", "add \(file)"])
        return try Git(clone).output(["rev-parse", "HEAD"])
    }

    /// A commit in a clone reaches the main repository's `agent/<role>` by a fetch, and the
    /// clone's objects stay its own until then; main does not move.
    func testAClonesBranchIsFetchedBackIntoTheMainRepository() throws {
        let (repo, clones) = try factory()
        let main = try repo.git("rev-parse", "main")
        let tip = try commit(in: repo.path + "/worktrees/builder", "feature.txt", "built\n")
        XCTAssertFalse(Git(repo.path).run(["cat-file", "-e", tip]).succeeded, "not in the main repository yet")
        XCTAssertNil(clones.fetchBack("builder"))
        XCTAssertEqual(try repo.git("rev-parse", "agent/builder").trimmingCharacters(in: .newlines), tip)
        XCTAssertEqual(try repo.git("rev-parse", "main"), main)
        // The status reads it so: one ahead of main.
        let status = WorktreeMonitor.status(of: repo.path + "/worktrees/builder", mainBranch: "main", processes: [], clones: clones)
        XCTAssertEqual(status.ahead, 1)
        XCTAssertEqual(status.subject, "add feature.txt")
    }

    /// The agent rewrites its own branch (an amend): the fetch follows it. A branch renamed
    /// away in the clone is a failure said in one line, main's copy left as it was.
    func testTheFetchFollowsARewrittenBranchAndSaysWhenItIsGone() throws {
        let (repo, clones) = try factory()
        let clone = repo.path + "/worktrees/builder"
        _ = try commit(in: clone, "a.txt", "one\n")
        XCTAssertNil(clones.fetchBack("builder"))
        _ = try Git(clone).output(["commit", "--quiet", "--amend", "-m", "amended"])
        XCTAssertNil(clones.fetchBack("builder"))
        XCTAssertEqual(try repo.git("log", "-1", "--format=%s", "agent/builder"), "amended\n")
        let before = try repo.git("rev-parse", "agent/builder")
        _ = try Git(clone).output(["branch", "-m", "agent/builder", "elsewhere"])
        let problem = try XCTUnwrap(clones.fetchBack("builder"))
        XCTAssertTrue(problem.hasPrefix("cannot fetch builder's branch from worktrees/builder: "), problem)
        XCTAssertEqual(try repo.git("rev-parse", "agent/builder"), before)
        XCTAssertNotNil(WorktreeBranch.problem("builder", clones), "the clone is off its branch: said")
    }

    /// Validation starts on the builder's work: the builder's branch fetched into each
    /// validator's clone and reset there, the validator's branch with it.
    func testAValidatorIsPutOnTheBuildersWork() throws {
        let (repo, clones) = try factory()
        let tip = try commit(in: repo.path + "/worktrees/builder", "feature.txt", "built\n")
        XCTAssertNil(clones.fetchBack("builder"))
        try "stray\n".write(toFile: repo.path + "/worktrees/tester/README.md", atomically: true, encoding: .utf8)
        XCTAssertNil(clones.reset("tester", toBranchOf: "builder"))
        let tester = repo.path + "/worktrees/tester"
        XCTAssertEqual(try Git(tester).output(["rev-parse", "HEAD"]), tip)
        XCTAssertEqual(try Git(tester).output(["symbolic-ref", "--short", "HEAD"]), "agent/tester")
        XCTAssertEqual(try Git(tester).output(["status", "--porcelain"]), "", "reset hard")
        XCTAssertEqual(try Git(tester).output(["rev-parse", "origin/agent/builder"]), tip, "the builder's branch is there to compare with")
        XCTAssertNil(clones.fetchBack("tester"))
        XCTAssertEqual(try repo.git("rev-parse", "agent/tester").trimmingCharacters(in: .newlines), tip)
    }

    /// A clone whose config would run programs in a fetch from it: the main repository
    /// fetches its branch and nothing runs (git's upload-pack is made for untrusted
    /// repositories). A tree that would write into `.git` is refused at the fetch.
    func testFetchingFromAHostileCloneRunsNothingAndRefusesATreeIntoGit() throws {
        let (repo, clones) = try factory()
        let clone = repo.path + "/worktrees/builder", mark = repo.path + "/pwned"
        let tip = try commit(in: clone, "work.txt", "work\n")
        let hooks = clone + "/.git/evil-hooks"
        try FileManager.default.createDirectory(atPath: hooks, withIntermediateDirectories: true)
        for hook in ["pre-upload-pack", "reference-transaction", "post-checkout", "pre-auto-gc"] {
            try "#!/bin/sh\ntouch '\(mark)-\(hook)'\n".write(toFile: "\(hooks)/\(hook)", atomically: true, encoding: .utf8)
            chmod("\(hooks)/\(hook)", 0o755)
        }
        for (key, value) in [("core.hooksPath", hooks), ("core.fsmonitor", "touch '\(mark)-fsmonitor'; false"),
                             ("uploadpack.packObjectsHook", "touch '\(mark)-packhook'; exec"),
                             ("core.alternateRefsCommand", "touch '\(mark)-altrefs'; true"),
                             ("filter.evil.clean", "touch '\(mark)-clean'; cat"), ("core.sshCommand", "touch '\(mark)-ssh'")] {
            _ = try Git(clone).output(["config", key, value])
        }
        try "* filter=evil\n".write(toFile: clone + "/.git/info/attributes", atomically: true, encoding: .utf8)
        XCTAssertNil(clones.fetchBack("builder"))
        XCTAssertEqual(try repo.git("rev-parse", "agent/builder").trimmingCharacters(in: .newlines), tip)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: repo.path).filter { $0.hasPrefix("pwned") }, [])

        // A commit whose tree holds `.git/config`.
        let blob = try Git(clone).output(["hash-object", "-w", "--stdin"], input: "[core]\n\tfsmonitor = touch \(mark)\n")
        let inner = try Git(clone).output(["mktree"], input: "100644 blob \(blob)\tconfig\n")
        let tree = try Git(clone).output(["mktree"], input: "040000 tree \(inner)\t.git\n")
        let evil = try Git(clone).output(["commit-tree", tree, "-p", "HEAD", "-m", "into .git"])
        _ = try Git(clone).output(["-c", "core.hooksPath=/dev/null", "update-ref", "refs/heads/agent/builder", evil])
        let refused = try XCTUnwrap(clones.fetchBack("builder"))
        XCTAssertTrue(refused.contains("cannot fetch builder's branch"), refused)
        XCTAssertEqual(try repo.git("rev-parse", "agent/builder").trimmingCharacters(in: .newlines), tip, "main keeps the last good tip")
    }

    // MARK: an older factory's git worktrees

    /// A factory as `factory init` made it before clones: a git worktree per role.
    private func olderFactory() throws -> TempRepo {
        let repo = try TempRepo()
        addTeardownBlock { repo.remove() }
        _ = try FactoryInit.run(in: repo.path, preset: "sim", today: "d")
        for role in Role.all {
            try FileManager.default.removeItem(atPath: repo.path + "/worktrees/\(role)")
            try repo.git("worktree", "add", "--quiet", "worktrees/\(role)", "agent/\(role)")
        }
        return repo
    }

    /// `factory init` makes a clean worktree a clone in place: its branch and commits, its
    /// ignored files kept; the main repository no longer counts it as a worktree. One with
    /// changes is left as it is, with its changes, and said in one line.
    func testInitMakesCleanWorktreesClonesAndLeavesADirtyOneSayingSo() throws {
        let repo = try olderFactory()
        let builder = repo.path + "/worktrees/builder", tester = repo.path + "/worktrees/tester"
        let tip = try commit(in: builder, "built.txt", "built\n")
        try FileManager.default.createDirectory(atPath: builder + "/.build", withIntermediateDirectories: true)
        try "cache\n".write(toFile: builder + "/.build/cache", atomically: true, encoding: .utf8)
        try "/.build/\n".appendLine(to: repo.path + "/.git/info/exclude")
        try "wip\n".write(toFile: tester + "/wip.txt", atomically: true, encoding: .utf8)

        let report = try FactoryInit.run(in: repo.path, today: "d")
        XCTAssertTrue(report.created.contains("worktrees/builder (agent/builder, a clone now)"), "\(report.created)")
        XCTAssertEqual(report.notes.filter { $0.contains("worktrees/tester") }.count, 1, "\(report.notes)")
        XCTAssertTrue(report.notes.first { $0.contains("worktrees/tester") }?.contains("stays a git worktree until it is clean") ?? false, "\(report.notes)")

        XCTAssertEqual(AgentCheckout.at(builder, root: repo.path).kind, .clone)
        XCTAssertEqual(try Git(builder).output(["rev-parse", "HEAD"]), tip)
        XCTAssertEqual(try Git(builder).output(["symbolic-ref", "--short", "HEAD"]), "agent/builder")
        XCTAssertEqual(try Git(builder).output(["status", "--porcelain", "--untracked-files=no"]), "")
        XCTAssertEqual(try String(contentsOfFile: builder + "/.build/cache", encoding: .utf8), "cache\n", "ignored files kept")
        XCTAssertFalse(try repo.git("worktree", "list").contains("worktrees/builder"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: repo.path + "/.git/worktrees/builder"))

        guard case .worktree = AgentCheckout.at(tester, root: repo.path).kind else { return XCTFail("the dirty worktree was changed") }
        XCTAssertEqual(try String(contentsOfFile: tester + "/wip.txt", encoding: .utf8), "wip\n")

        // The clone's next commit comes back through a fetch, the branch no longer held by
        // a worktree of the main repository.
        let next = try commit(in: builder, "more.txt", "more\n")
        XCTAssertNil(AgentClones(paths: WorkspacePaths(root: repo.path)).fetchBack("builder"))
        XCTAssertEqual(try repo.git("rev-parse", "agent/builder").trimmingCharacters(in: .newlines), next)
    }

    /// The conversion goes by the main repository's record of the worktree, not by what its
    /// `.git` file says: one that names another folder does not get that folder removed, nor
    /// its git run there.
    func testTheConversionFollowsTheRepositorysRecordNotTheWorktreesGitFile() throws {
        let repo = try olderFactory()
        let builder = repo.path + "/worktrees/builder", victim = repo.path + "-victim"
        try FileManager.default.createDirectory(atPath: victim, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: victim) }
        try "keep me\n".write(toFile: victim + "/precious", atomically: true, encoding: .utf8)
        try "gitdir: \(victim)\n".write(toFile: builder + "/.git", atomically: true, encoding: .utf8)
        let report = try FactoryInit.run(in: repo.path, today: "d")
        XCTAssertTrue(report.created.contains("worktrees/builder (agent/builder, a clone now)"), "\(report.created) \(report.notes)")
        XCTAssertEqual(try String(contentsOfFile: victim + "/precious", encoding: .utf8), "keep me\n")
        XCTAssertEqual(AgentCheckout.at(builder, root: repo.path).kind, .clone)
    }

    /// A named pipe for a clone's config holds nothing of the engine's: read as empty at once.
    func testAPipeForAClonesConfigIsReadAsNothing() throws {
        let (repo, _) = try factory()
        let config = repo.path + "/worktrees/builder/.git/config"
        try FileManager.default.removeItem(atPath: config)
        XCTAssertEqual(mkfifo(config, 0o644), 0)
        let started = Date()
        XCTAssertEqual(CloneConfig.programs(inClone: repo.path + "/worktrees/builder"), [])
        XCTAssertLessThan(Date().timeIntervalSince(started), 1)
    }

    /// The engine makes a worktree a clone at its agent's first start; one with changes stays,
    /// its agent still able to commit there, and the attention queue says why in one line.
    func testTheEngineMakesAWorktreeACloneAtItsAgentsFirstStart() throws {
        try requireSandbox()
        let repo = try olderFactory()
        try "wip\n".write(toFile: repo.path + "/worktrees/tester/wip.txt", atomically: true, encoding: .utf8)
        let agent = "echo mine > mine.txt && git add mine.txt && git commit -qm mine && echo committed"
        for role in ["builder", "tester"] {
            try "---\ncommand: [\"sh\", \"-c\", \"\(agent)\"]\nretries: 0\n---\n".write(toFile: repo.path + "/agents/\(role).md", atomically: true, encoding: .utf8)
        }
        var options = EngineOptions()
        options.factoryPath = SimFactory.factoryBinary
        let engine = try Engine(paths: WorkspacePaths(root: repo.path), options: options)
        defer { engine.shutdown() }
        engine.drive()
        for role in ["builder", "tester"] {
            try engine.spawn(role: role)
            XCTAssertNotNil(waitFor(engine) { $0.agent(role).map { !$0.state.isActive } ?? false })
            let log = try String(contentsOfFile: repo.path + "/.agent-comms/logs/\(role).log", encoding: .utf8)
            XCTAssertTrue(log.contains("committed"), "\(role):\n\(log)")
        }
        XCTAssertEqual(AgentCheckout.at(repo.path + "/worktrees/builder", root: repo.path).kind, .clone)
        XCTAssertEqual(try repo.git("log", "-1", "--format=%s", "agent/builder"), "mine\n", "fetched back when it ended")
        let left = engine.snapshot().attention.filter { $0.kind == .sandbox && $0.role == "tester" }
        XCTAssertEqual(left.count, 1, "\(left)")
        XCTAssertTrue(left.first?.message.hasPrefix("worktrees/tester stays a git worktree until it is clean") ?? false, "\(left)")
        XCTAssertEqual(try repo.git("log", "-1", "--format=%s", "agent/tester"), "mine\n", "committed in the shared repository")
    }
}

private extension Git {
    func output(_ args: [String], input: String) throws -> String {
        let file = NSTemporaryDirectory() + "git-input-" + UUID().uuidString
        try input.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let result = ProcessRunner.run(["sh", "-c", "f=$1; shift; exec git -C \"$0\" \"$@\" < \"$f\"", directory, file] + args)
        guard result.succeeded else { throw GitError("git \(args.joined(separator: " ")): \(result.firstErrorLine)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

}

private extension String {
    func appendLine(to path: String) throws {
        let old = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        try (old + self).write(toFile: path, atomically: true, encoding: .utf8)
    }
}
