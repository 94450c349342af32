import Foundation
import XCTest

/// Names that try to leave `worktrees/` or to pass for git options are refused in one line,
/// wherever they come in: a command's role argument (run here or sent over the driving
/// engine's socket) and the repository's own branch.
final class NameInjectionTests: FactoryTestCase {
    static let hostileNames = ["../x", "a/../../b", "/etc", "/tmp/x", "--upload-pack=touch pwned", "-b", "-", "..", "builder/../../x"]

    /// Every command that takes a role, with every hostile name, with no engine running.
    func testRoleArgumentsAreRefusedInOneLine() throws {
        let repo = try makeSimRepo()
        try assertRefused(in: repo)
    }

    /// The same names sent over the socket to the engine that drives.
    func testRoleArgumentsSentToTheDrivingEngineAreRefused() throws {
        let repo = try makeSimRepo()
        try whileDriven(repo) { try assertRefused(in: repo) }
    }

    /// A repository whose branch is named like an option (`git update-ref` makes one): git
    /// would read it as one in `main...agent/builder`; factory refuses it in one line and
    /// names it.
    func testAMainBranchThatLooksLikeAnOptionIsRefused() throws {
        let repo = try makeSimRepo()
        for bad in ["--output=pwned", "-b"] {
            _ = try git(in: repo, ["update-ref", "refs/heads/\(bad)", "HEAD"])
            _ = try git(in: repo, ["symbolic-ref", "HEAD", "refs/heads/\(bad)"])
            for args in [["status"], ["start", "Add a greeting"], ["run", "--headless"]] {
                let r = try factory(args, cwd: repo)
                XCTAssertNotEqual(r.status, 0, r.summary)
                XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "one line: \(r.summary)")
                XCTAssertTrue(r.stderr.contains(bad) && r.stderr.contains("branch"), "the error names the branch: \(r.summary)")
            }
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: repo).filter { $0.hasPrefix("pwned") }
        XCTAssertEqual(leftovers, [])
    }

    /// A task's owner is a role name: `task add` and `task set` refuse one that is a path or
    /// an option in one line, and PLAN.md is left as it was.
    func testTaskOwnersThatArePathsOrOptionsAreRefused() throws {
        try ok("task", "add", "--file", planPath, "--agent", "builder", "A task")
        let before = try planBytes()
        for name in Self.hostileNames {
            for args in [["task", "add", "--file", planPath, "--agent=\(name)", "Escape"], ["task", "set", "T1", "--file", planPath, "--agent=\(name)"]] {
                let r = try factory(args)
                XCTAssertNotEqual(r.status, 0, "refused: \(r.summary)")
                XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "one line: \(r.summary)")
                XCTAssertTrue(r.stderr.contains("role name"), r.summary)
            }
        }
        XCTAssertEqual(try planBytes(), before, "PLAN.md is unchanged")
        try ok("task", "set", "T1", "--file", planPath, "--agent", "tester")
    }

    /// A feature never becomes a branch or a path: one named like git options goes through
    /// the whole pipeline as text, to the merge and the history's commit message.
    func testAFeatureNamedLikeAnOptionIsOnlyText() throws {
        let repo = try makeSimRepo()
        try whileDriven(repo) { try runToDone(repo) }
    }

    /// Starts a feature named like options, approves it, waits for it to be merged.
    private func runToDone(_ repo: String) throws {
        let feature = "--upload-pack=touch pwned -b x ../../escape"
        try ok("start", "--", feature, cwd: repo)
        try waitForPhase("awaiting_approval", in: repo)
        try ok("approve", cwd: repo)
        try waitForPhase("done", in: repo)
        let history = try git(in: repo, ["log", "--format=%s", "-5", "main"])
        XCTAssertTrue(history.contains(feature), "the feature is the history's words:\n\(history)")
        let branches = try git(in: repo, ["branch", "--list", "--format=%(refname:short)"]).split(separator: "\n").map(String.init)
        XCTAssertEqual(branches.filter { !$0.hasPrefix("agent/") && $0 != "main" }, [], "no branch from the feature")
        for path in [repo + "/pwned", repo + "/worktrees/pwned", root + "/escape", repo + "/x"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: path), "\(path) was not created")
        }
    }

    // MARK: helpers

    /// `body` while `factory run --headless` drives `repo`.
    private func whileDriven(_ repo: String, _ body: () throws -> Void) throws {
        let driver = try startDriver(in: repo)
        defer {
            driver.terminate()
            driver.waitUntilExit()
        }
        try body()
    }

    private func waitForPhase(_ wanted: String, in repo: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let deadline = Date().addingTimeInterval(30)
        var phase: String?
        repeat {
            let r = try factory(["status", "--json"], cwd: repo)
            phase = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])?["phase"] as? String
            if phase == wanted { return }
            usleep(50_000)
        } while Date() < deadline
        XCTFail("phase never became \(wanted) (is \(phase ?? "?"))", file: file, line: line)
    }

    private func assertRefused(in repo: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let branches = try git(in: repo, ["branch", "--list", "--format=%(refname)"])
        let worktrees = try git(in: repo, ["worktree", "list", "--porcelain"])
        var refused = 0
        for name in Self.hostileNames {
            let commands: [[String]] = [["spawn", "--", name], ["kill", "--", name], ["restart", "--", name], ["allow", "--", name],
                                        ["deny", "--", name], ["tell", "--", name, "hi"], ["answer", "--", name, "1"],
                                        ["explain", "--", name], ["attach", "--", name], ["send", "--", name, "hi"]]
            for args in commands {
                let r = try factory(args, cwd: repo)
                XCTAssertNotEqual(r.status, 0, "refused: \(r.summary)", file: file, line: line)
                XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "one line: \(r.summary)", file: file, line: line)
                XCTAssertTrue(r.stderr.contains("role"), "the error says what is wrong: \(r.summary)", file: file, line: line)
                refused += 1
            }
        }
        XCTAssertEqual(refused, Self.hostileNames.count * 10)
        XCTAssertEqual(try git(in: repo, ["branch", "--list", "--format=%(refname)"]), branches, "no branch made", file: file, line: line)
        XCTAssertEqual(try git(in: repo, ["worktree", "list", "--porcelain"]), worktrees, "no worktree made", file: file, line: line)
        for path in [repo + "/x", root + "/x", root + "/b", repo + "/pwned", repo + "/worktrees/x"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: path), "\(path) was not created", file: file, line: line)
        }
    }
}
