@testable import FactoryEngine
import Foundation
import XCTest

final class WorktreeMonitorTests: XCTestCase {
    func testStatusOfARealWorktree() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        _ = try FactoryInit.run(in: repo.path, today: "d")
        let builder = repo.path + "/worktrees/builder"
        try "one\n".write(toFile: builder + "/a.txt", atomically: true, encoding: .utf8)
        try "two\n".write(toFile: builder + "/b.txt", atomically: true, encoding: .utf8)
        _ = Git(builder).run(["add", "a.txt", "b.txt"])
        _ = Git(builder).run(["commit", "--quiet", "-m", "Add a and b"])
        try "changed\n".write(toFile: builder + "/a.txt", atomically: true, encoding: .utf8)
        try "staged\n".write(toFile: builder + "/c.txt", atomically: true, encoding: .utf8)
        _ = Git(builder).run(["add", "c.txt"])
        try "new\n".write(toFile: builder + "/d.txt", atomically: true, encoding: .utf8)

        let status = WorktreeMonitor.status(of: builder, mainBranch: "main", processes: [])
        XCTAssertEqual(status.health, .ok)
        XCTAssertEqual(status.branch, "agent/builder")
        XCTAssertEqual(status.subject, "Add a and b")
        XCTAssertEqual(status.head?.count ?? 0 >= 7, true)
        XCTAssertEqual(status.ahead, 1)
        XCTAssertEqual(status.behind, 0)
        XCTAssertEqual(status.staged, 1)
        XCTAssertEqual(status.unstaged, 1)
        XCTAssertEqual(status.untracked, 1)
        XCTAssertEqual(status.dirty, 3)
        XCTAssertNotNil(status.lastActivity)

        // main moves on: the builder is now behind by one.
        try "main\n".write(toFile: repo.path + "/m.txt", atomically: true, encoding: .utf8)
        try repo.git("add", "m.txt")
        try repo.git("commit", "--quiet", "-m", "main moves")
        XCTAssertEqual(WorktreeMonitor.status(of: builder, mainBranch: "main", processes: []).behind, 1)
    }

    func testProcessesInsideAWorktreeAreSeen() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        _ = try FactoryInit.run(in: repo.path, today: "d")
        let tester = repo.path + "/worktrees/tester"
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["30"]
        sleeper.currentDirectoryURL = URL(fileURLWithPath: tester + "/")
        try sleeper.run()
        defer { sleeper.terminate() }
        // The child may still be between fork and exec: poll until /proc shows it as sleep.
        var status = WorktreeMonitor.status(of: tester, mainBranch: "main", processes: ProcessTable.snapshot())
        let deadline = Date().addingTimeInterval(5)
        while !status.processes.contains(where: { $0.command.hasPrefix("/bin/sleep") }) && Date() < deadline {
            status = WorktreeMonitor.status(of: tester, mainBranch: "main", processes: ProcessTable.snapshot())
        }
        XCTAssertTrue(status.processes.contains { $0.pid == sleeper.processIdentifier && $0.command.hasPrefix("/bin/sleep 30") }, "\(status.processes)")
        let other = WorktreeMonitor.status(of: repo.path + "/worktrees/builder", mainBranch: "main", processes: ProcessTable.snapshot())
        XCTAssertFalse(other.processes.contains { $0.pid == sleeper.processIdentifier })
    }

    /// factory's own git reads in a worktree (another factory process refreshing it) are not
    /// a process working there: `status` would call a finished agent `external` for a moment.
    func testFactorysOwnGitReadsAreNotProcessesInAWorktree() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        _ = try FactoryInit.run(in: repo.path, today: "d")
        let builder = repo.path + "/worktrees/builder"
        let real = URL(fileURLWithPath: builder).resolvingSymlinksInPath().path
        let seen = [ProcessTable.Entry(pid: 999_999, cwd: real, command: "git --no-optional-locks -C \(builder) log -1"),
                    ProcessTable.Entry(pid: 999_998, cwd: real, command: "git commit -m wip"),
                    ProcessTable.Entry(pid: 999_997, cwd: real + "/src", command: "aider --yes-always")]
        let status = WorktreeMonitor.status(of: builder, mainBranch: "main", processes: seen)
        XCTAssertEqual(status.processes.map(\.pid), [999_998, 999_997], "\(status.processes)")
    }

    func testMissingAndBrokenWorktreesAreReported() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        let missing = WorktreeMonitor.status(of: repo.path + "/worktrees/nope", mainBranch: "main", processes: [])
        XCTAssertEqual(missing.health, .missing)
        let plain = NSTemporaryDirectory() + "factory-plain-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: plain, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: plain) }
        let broken = WorktreeMonitor.status(of: plain, mainBranch: "main", processes: [])
        XCTAssertEqual(broken.health, .broken)
        XCTAssertNotNil(broken.problem)
    }
}
