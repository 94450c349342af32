@testable import FactoryEngine
import Foundation
import XCTest

/// git under faults from outside: a worktree deleted by hand, an index left locked, a
/// detached HEAD, a repository with no commits. (A renamed agent branch:
/// HonestStateTests.testARenamedBuilderBranchBlocksThePipeline; a merge conflict:
/// DemoTests.testConflictBlocksAndLeavesMainUntouched and HonestStateTests.)
final class GitFaultTests: XCTestCase {
    /// The builder's worktree removed (`rm -rf`) while its agent works: the worktree shows
    /// as missing, the agent is not started again in a folder that is not there (the
    /// pipeline blocks saying what is missing and how to get it back), the branch and its
    /// commits stay, and `factory init` then `resume` bring the builder back.
    func testAWorktreeDeletedByHandIsShownAndNotWorkedIn() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let engine = try factory.engine(environment: ["FACTORY_SIM_FAULT": "builder:idle"])
        defer { engine.shutdown() }
        try engine.start(feature: "Vanishing")
        engine.drive()
        XCTAssertNotNil(waitFor(engine) { $0.phase == .implementation && $0.agents.contains { $0.role == "builder" && $0.state == .running } })
        let branchTip = try factory.repo.git("rev-parse", "agent/builder")
        try FileManager.default.removeItem(atPath: factory.paths.worktree("builder"))
        XCTAssertNotNil(waitFor(engine) { $0.agents.first { $0.role == "builder" }?.worktree?.health == .missing }, "shown missing")
        try engine.restart(role: "builder")
        let blocked = waitFor(engine) { $0.phase == .blocked }
        XCTAssertEqual(blocked?.blockedReason, "builder's worktree worktrees/builder is missing; run factory init")
        XCTAssertFalse(FileManager.default.fileExists(atPath: factory.paths.worktree("builder")), "not made again behind the user's back")
        XCTAssertEqual(try factory.repo.git("rev-parse", "agent/builder"), branchTip, "the branch and its commits stay")

        _ = try FactoryInit.run(in: factory.repo.path, preset: "sim", today: "2026-11-25")
        XCTAssertEqual(try Git(factory.paths.worktree("builder")).output(["rev-parse", "HEAD"]), branchTip.trimmingCharacters(in: .whitespacesAndNewlines))
        try engine.resume()
        XCTAssertNotNil(waitFor(engine) { $0.phase == .implementation && $0.agents.contains { $0.role == "builder" && $0.state == .running } })
    }

    /// An `index.lock` left in the main checkout (a git that crashed): the merge stops
    /// before main moves, says why, leaves no merge half done; once the lock is gone,
    /// `resume` merges.
    func testALockedMainIndexStopsTheMergeCleanly() throws {
        try assertMergeWaitsForLock("index.lock")
    }

    /// A lock left on main's ref (`refs/heads/main.lock`): git would bring the merge into
    /// main's checkout and then fail to move main, leaving its files half merged. The merge
    /// stops before touching anything, names the lock, and goes through once it is gone.
    func testALockedMainRefStopsTheMergeWithTheCheckoutClean() throws {
        try assertMergeWaitsForLock("refs/heads/main.lock")
    }

    private func assertMergeWaitsForLock(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let mainBefore = try factory.repo.git("rev-parse", "main")
        let lock = try Git(factory.repo.path).output(["rev-parse", "--git-path", name])
        let lockPath = lock.hasPrefix("/") ? lock : factory.repo.path + "/" + lock
        XCTAssertTrue(FileManager.default.createFile(atPath: lockPath, contents: Data()))
        let engine = try factory.engine()
        defer { engine.shutdown() }
        try engine.start(feature: "Locked")
        engine.drive()
        let blocked = waitFor(engine, timeout: 30) { $0.phase == .blocked || $0.phase == .done }
        XCTAssertEqual(blocked?.phase, .blocked, file: file, line: line)
        XCTAssertEqual(blocked?.blockedPhase, .merge, file: file, line: line)
        XCTAssertTrue(blocked?.blockedReason?.contains(name) ?? false, "\(String(describing: blocked?.blockedReason))", file: file, line: line)
        XCTAssertEqual(try factory.repo.git("rev-parse", "main"), mainBefore, "main untouched", file: file, line: line)
        assertNoMergeInProgress(factory.repo, file: file, line: line)

        try FileManager.default.removeItem(atPath: lockPath)
        try engine.resume()
        XCTAssertEqual(waitFor(engine, timeout: 30) { $0.phase == .done || $0.phase == .blocked }?.phase, .done, file: file, line: line)
        XCTAssertNotEqual(try factory.repo.git("rev-parse", "main"), mainBefore, "merged once the lock is gone", file: file, line: line)
        assertNoMergeInProgress(factory.repo, file: file, line: line)
    }

    /// An `index.lock` left in a validator's worktree: validation cannot reset it to the
    /// builder's work, so the pipeline blocks naming the lock instead of validating stale
    /// files; once it is gone, `resume` goes on.
    func testALockedWorktreeIndexBlocksValidationAndResumes() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let engine = try factory.engine(autoApprove: false)
        defer { engine.shutdown() }
        try engine.start(feature: "Locked worktree")
        engine.drive()
        XCTAssertNotNil(waitFor(engine) { $0.phase == .awaitingApproval && !$0.agents.contains { $0.state.isActive } })
        let lock = try Git(factory.paths.worktree("tester")).output(["rev-parse", "--git-path", "index.lock"])
        let lockPath = lock.hasPrefix("/") ? lock : factory.paths.worktree("tester") + "/" + lock
        XCTAssertTrue(FileManager.default.createFile(atPath: lockPath, contents: Data()))
        try engine.approve()
        let blocked = waitFor(engine, timeout: 30) { $0.phase == .blocked || $0.phase == .done }
        XCTAssertEqual(blocked?.phase, .blocked)
        XCTAssertTrue(blocked?.blockedReason?.contains("index.lock") ?? false, "\(String(describing: blocked?.blockedReason))")

        try FileManager.default.removeItem(atPath: lockPath)
        try engine.resume()
        XCTAssertEqual(waitFor(engine, timeout: 30) { $0.phase == .done || $0.phase == .blocked }?.phase, .done)
    }

    /// The main checkout on a detached HEAD: the merge does not move a branch the user is
    /// not on; it blocks saying so, and main stays where it was.
    func testADetachedMainBlocksTheMerge() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let mainBefore = try factory.repo.git("rev-parse", "main")
        try factory.repo.git("checkout", "--quiet", "--detach")
        let engine = try factory.engine()
        defer { engine.shutdown() }
        try engine.start(feature: "Detached main")
        engine.drive()
        let blocked = waitFor(engine, timeout: 30) { $0.phase == .blocked || $0.phase == .done }
        XCTAssertEqual(blocked?.phase, .blocked)
        XCTAssertTrue(blocked?.blockedReason?.contains("detached HEAD") ?? false, "\(String(describing: blocked?.blockedReason))")
        XCTAssertEqual(try factory.repo.git("rev-parse", "main"), mainBefore, "main untouched")
        assertNoMergeInProgress(factory.repo)

        try factory.repo.git("checkout", "--quiet", "main")
        try engine.resume()
        XCTAssertEqual(waitFor(engine, timeout: 30) { $0.phase == .done || $0.phase == .blocked }?.phase, .done)
    }

    /// The builder's worktree on a detached HEAD: its commits reach no branch, so there is
    /// nothing of its work on agent/builder. The pipeline must not validate or merge the
    /// branch without it as if it were the work: it blocks before validation, saying how to
    /// put the commits back on the branch, and main stays.
    func testADetachedBuilderWorktreeBlocksBeforeValidation() throws {
        let end = try runWithDetachedWorktree("builder")
        XCTAssertEqual(end.blockedPhase, .validation)
    }

    /// The docwriter's worktree on a detached HEAD: caught at the merge, main untouched.
    func testADetachedDocwriterWorktreeBlocksTheMerge() throws {
        let end = try runWithDetachedWorktree("docwriter")
        XCTAssertEqual(end.blockedPhase, .merge)
    }

    private func runWithDetachedWorktree(_ role: String, file: StaticString = #filePath, line: UInt = #line) throws -> Snapshot {
        let factory = try SimFactory()
        defer { factory.remove() }
        let engine = try factory.engine(autoApprove: false)
        defer { engine.shutdown() }
        try engine.start(feature: "Detached worktree")
        engine.drive()
        XCTAssertNotNil(waitFor(engine) { $0.phase == .awaitingApproval && !$0.agents.contains { $0.state.isActive } })
        let mainBefore = try factory.repo.git("rev-parse", "main")
        try Git(factory.paths.worktree(role)).output(["checkout", "--quiet", "--detach"])
        try engine.approve()
        let end = try XCTUnwrap(waitFor(engine, timeout: 30) { $0.phase == .blocked || $0.phase == .done })
        XCTAssertEqual(end.phase, .blocked, "nothing reaches done without the \(role)'s work", file: file, line: line)
        XCTAssertTrue(end.blockedReason?.contains("\(role)'s worktree worktrees/\(role) is on a detached HEAD, not agent/\(role)") ?? false,
                      "\(String(describing: end.blockedReason))", file: file, line: line)
        XCTAssertEqual(try factory.repo.git("rev-parse", "main"), mainBefore, "main untouched", file: file, line: line)
        return end
    }

    /// Two branches that conflict at the merge: every agent's branch keeps its commits,
    /// main is not left mid-merge, and the user is told which files conflict.
    func testAMergeConflictKeepsTheWorkAndLeavesMainWhole() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let engine = try factory.engine(environment: ["FACTORY_SIM_SCENARIO": "conflict"])
        defer { engine.shutdown() }
        let mainBefore = try factory.repo.git("rev-parse", "main")
        try engine.start(feature: "Conflict")
        engine.drive()
        XCTAssertNotNil(waitFor(engine, timeout: 30) { $0.phase == .merge || $0.phase == .blocked })
        let tips = try MergeQueue.order.map { try factory.repo.git("rev-parse", "agent/\($0)") }
        let blocked = try XCTUnwrap(waitFor(engine, timeout: 30) { $0.phase == .blocked })
        XCTAssertEqual(try MergeQueue.order.map { try factory.repo.git("rev-parse", "agent/\($0)") }, tips, "every branch keeps its work")
        XCTAssertEqual(try factory.repo.git("rev-parse", "main"), mainBefore, "main untouched")
        assertNoMergeInProgress(factory.repo)
        XCTAssertTrue(blocked.attention.contains { $0.kind == .conflict && $0.message.contains("src/greeting.txt") }, "\(blocked.attention)")
    }

    /// `git init` and nothing else: `factory init` makes the first commit, and a whole
    /// feature runs to its merge.
    func testAFeatureRunsInARepositoryThatHadNoCommits() throws {
        let repo = try TempRepo(commit: false)
        defer { repo.remove() }
        _ = try FactoryInit.run(in: repo.path, preset: "sim", today: "2026-11-25")
        var options = EngineOptions()
        options.autoApprove = true
        options.factoryPath = SimFactory.factoryBinary
        let engine = try Engine(paths: WorkspacePaths(root: repo.path), options: options)
        defer {
            engine.shutdown()
            if let state = StateStore(path: WorkspacePaths(root: repo.path).state).load() {
                for run in state.runs.values { if let pid = run.pid { kill(-pid, SIGKILL) } }
            }
        }
        try engine.start(feature: "First")
        engine.drive()
        let end = waitFor(engine, timeout: 30) { $0.phase == .done || $0.phase == .blocked }
        XCTAssertEqual(end?.phase, .done, "\(String(describing: end?.blockedReason))")
        XCTAssertTrue(try repo.git("log", "--format=%s", "main").contains("Merge branch 'agent/builder'"))
    }

    private func assertNoMergeInProgress(_ repo: TempRepo, file: StaticString = #filePath, line: UInt = #line) {
        let mergeHead = (try? Git(repo.path).output(["rev-parse", "--git-path", "MERGE_HEAD"])) ?? ".git/MERGE_HEAD"
        XCTAssertFalse(FileManager.default.fileExists(atPath: repo.path + "/" + mergeHead), "no merge left half done", file: file, line: line)
        XCTAssertEqual(try? repo.git("status", "--porcelain", "--untracked-files=no"), "", "main's checkout clean", file: file, line: line)
    }
}
