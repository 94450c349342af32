import Foundation
import XCTest

/// The whole hostile corpus (Tests/Fixtures/hostile) in PLAN.md — task IDs, owners,
/// descriptions, dependencies, message bodies — and in a feature request: every command's
/// readable output shows it as visible escapes, its JSON output as `\uXXXX`; not one byte that
/// acts on a terminal gets out.
final class HostileCorpusCLITests: FactoryTestCase {
    static let corpus: [(name: String, bytes: [UInt8])] = {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/hostile")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".txt") }.sorted()
        return names.map { (String($0.dropLast(4)), Array((try? Data(contentsOf: folder.appendingPathComponent($0))) ?? Data())) }
    }()

    /// A plan with one task and one message per corpus string, all of it in raw bytes.
    static func corpusPlan() -> [UInt8] {
        var bytes = Array("# Plan\n\n## Active Tasks\n\n| ID | Agent | Status | Priority | Description | Depends On |\n|----|-------|--------|----------|-------------|------------|\n".utf8)
        for (i, entry) in corpus.enumerated() {
            let cell = entry.bytes.flatMap { $0 == UInt8(ascii: "|") ? Array("\\|".utf8) : [$0] }
            bytes += Array("| T\(i)".utf8) + cell + Array(" | builder".utf8) + cell + Array(" | ⏳ Pending | P1 | ".utf8) + cell
                + Array(" | T\(i)".utf8) + cell + Array(" |\n".utf8)
        }
        bytes += Array("\n## Messages\n".utf8)
        for (i, entry) in corpus.enumerated() {
            bytes += Array("\n### Builder → Architect (10:\(10 + i))\n\n\(entry.name): ".utf8) + entry.bytes + Array("\n".utf8)
        }
        return bytes
    }

    func testReadableAndJSONOutputOfTheWholeCorpusIsInert() throws {
        XCTAssertGreaterThanOrEqual(Self.corpus.count, 20, "the corpus is read from Tests/Fixtures/hostile")
        try writePlan(Self.corpusPlan())
        var checked = 0
        for args in [["plan"], ["plan", "--json"], ["messages"], ["messages", "--json"], ["messages", "--from", "builder"], ["lint"]] {
            let r = try factory(args + ["--file", planPath])
            XCTAssertTrue(r.status == 0 || args == ["lint"], r.summary)
            assertInert(r.stdout, r)
            assertInert(r.stderr.isEmpty ? "-" : r.stderr, r)
            checked += 1
        }
        let plan = try factory("plan", "--file", planPath)
        XCTAssertTrue(plan.stdout.contains("^[]0;PWNED-TITLE^G"), "the escapes are shown:\n\(plan.stdout)")
        let messages = try factory("messages", "--file", planPath)
        for name in Self.corpus.map(\.name) {
            XCTAssertTrue(messages.stdout.contains("\(name): "), "the message with \(name) is listed")
        }
        XCTAssertEqual(checked, 6)
    }

    /// `factory status`, text and JSON, with the corpus in the plan and in the feature (argv
    /// holds no NUL: that string goes without it).
    func testStatusWithTheCorpusEverywhereIsInert() throws {
        let repo = try makeSimRepo()
        let feature = Self.corpus.map { String(decoding: $0.bytes.filter { $0 != 0 }.prefix(300), as: UTF8.self) }.joined(separator: " ")
        let started = try factory(["start", feature], cwd: repo)
        XCTAssertEqual(started.status, 0, started.summary)
        assertInert(started.stdout, started)
        planPath = repo + "/.agent-comms/PLAN.md"
        try writePlan(Self.corpusPlan())
        for args in [["status"], ["status", "--json"], ["events"], ["plan"], ["messages"]] {
            let r = try factory(args, cwd: repo)
            XCTAssertEqual(r.status, 0, r.summary)
            assertInert(r.stdout, r)
        }
        let status = try factory(["status"], cwd: repo)
        XCTAssertTrue(status.stdout.contains("<U+202E>evil.exe"), status.stdout)
    }
}
