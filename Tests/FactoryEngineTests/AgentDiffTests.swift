@testable import FactoryEngine
import Foundation
import XCTest

/// The diff view's source with real git: an agent's branch against main, plain text even
/// when git is told to colour, and a read that stops at its limit.
final class AgentDiffTests: XCTestCase {
    func testTheBranchAgainstMainUncolouredAndCapped() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let builder = factory.repo.path + "/worktrees/builder"
        // 10,000 lines of 250 bytes: past 2 MB before 20,000 lines.
        let big = (1...10_000).map { "line \($0) " + String(repeating: "x", count: 240) + "\n" }.joined()
        try "Hello\n".write(toFile: builder + "/greeting.txt", atomically: true, encoding: .utf8)
        try big.write(toFile: builder + "/big.txt", atomically: true, encoding: .utf8)
        let worktree = Git(builder)
        _ = worktree.run(["config", "color.diff", "always"])
        XCTAssertTrue(worktree.run(["add", "greeting.txt"]).succeeded)
        XCTAssertTrue(worktree.run(["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "greeting"]).succeeded)
        let engine = try factory.engine(autoApprove: false)
        defer { engine.shutdown() }

        let small = engine.diff(of: "builder")
        XCTAssertNil(small.note)
        XCTAssertEqual(small.files.map(\.path), ["greeting.txt"])
        XCTAssertEqual(small.files.first?.added, 1)
        XCTAssertTrue(small.lines.contains(AgentDiff.Line(kind: .added, text: "+Hello")), "\(small.lines)")
        XCTAssertFalse(small.lines.contains { $0.text.contains("\u{1B}") }, "no colour codes")

        XCTAssertTrue(worktree.run(["add", "big.txt"]).succeeded)
        XCTAssertTrue(worktree.run(["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "big"]).succeeded)
        let cut = engine.diff(of: "builder")
        XCTAssertEqual(cut.note, "cut at 2 MB: shown up to there")
        XCTAssertLessThanOrEqual(cut.lines.reduce(0) { $0 + $1.text.utf8.count + 1 }, AgentDiff.byteLimit + 1)
        XCTAssertEqual(cut.files.map(\.path), ["big.txt"], "what comes after the cut is not read")

        XCTAssertEqual(engine.diff(of: "nobody").note?.hasPrefix("git diff failed: fatal: "), true, "a branch that does not exist is an error, said")
    }
}
