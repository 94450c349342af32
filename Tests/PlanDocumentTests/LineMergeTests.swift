@testable import PlanDocument
import XCTest

/// The three-way merge that brings an agent's copy of PLAN.md back: every change from both
/// sides arrives, and nothing either side wrote is dropped.
final class LineMergeTests: XCTestCase {
    struct Merged: Equatable {
        var text: String
        var overlaps: Int
        init(_ text: String, _ overlaps: Int) { self.text = text; self.overlaps = overlaps }
    }

    func merge(_ base: String, _ ours: String, _ theirs: String) -> Merged {
        let r = LineMerge.merge(base: Array(base.utf8), ours: Array(ours.utf8), theirs: Array(theirs.utf8))
        return Merged(String(decoding: r.bytes, as: UTF8.self), r.overlaps)
    }

    func testOneSideUnchangedTakesTheOther() {
        XCTAssertEqual(merge("a\nb\n", "a\nb\n", "a\nX\n").text, "a\nX\n")
        XCTAssertEqual(merge("a\nb\n", "a\nX\n", "a\nb\n").text, "a\nX\n")
        XCTAssertEqual(merge("a\nb\n", "a\nX\n", "a\nX\n").text, "a\nX\n")
    }

    func testChangesToDifferentLinesBothApply() {
        let base = "1\n2\n3\n4\n5\n6\n"
        XCTAssertEqual(merge(base, "1\nTWO\n3\n4\n5\n6\n", "1\n2\n3\n4\nFIVE\n6\n"), Merged("1\nTWO\n3\n4\nFIVE\n6\n", 0))
        XCTAssertEqual(merge(base, "0\n" + base, base + "7\n"), Merged("0\n" + base + "7\n", 0))
        XCTAssertEqual(merge(base, "1\n3\n4\n5\n6\n", "1\n2\n3\n4\n5\n"), Merged("1\n3\n4\n5\n", 0), "two deletions")
    }

    func testAdjacentChangesBothApplyWithoutRepeatingTheBaseLine() {
        // Ours inserts before line 2; theirs rewrites line 2.
        XCTAssertEqual(merge("1\n2\n3\n", "1\nnew\n2\n3\n", "1\nTWO\n3\n"), Merged("1\nnew\nTWO\n3\n", 0))
    }

    func testAppendsAtTheEndFromBothSidesKeepBothOursFirst() {
        let base = "# Messages\n\n### A → B\nhi\n"
        let merged = merge(base, base + "\n### C → D\nfirst\n", base + "\n### E → F\nsecond\n")
        XCTAssertEqual(merged, Merged(base + "\n### C → D\nfirst\n" + "\n### E → F\nsecond\n", 1))
    }

    func testTheSameLineChangedOnBothSidesKeepsBoth() {
        XCTAssertEqual(merge("a\nb\nc\n", "a\nB1\nc\n", "a\nB2\nc\n"), Merged("a\nB1\nB2\nc\n", 1))
    }

    func testALastLineWithoutNewlineAndCRLF() {
        XCTAssertEqual(merge("a\r\nb", "a\r\nb\r\nc", "z\r\nb").text, "z\r\nb\r\nc")
    }

    /// Random edits on both sides: each side's own lines (unique strings) all arrive, and a
    /// base line survives unless a side deleted it.
    func testRandomEditsLoseNothing() {
        var rng = SystemRandomNumberGenerator()
        for round in 0..<300 {
            let base = (0..<Int.random(in: 0...30, using: &rng)).map { "base \($0)\n" }
            func edit(_ tag: String) -> ([String], Set<String>, Set<String>) {
                var lines = base, added: Set<String> = [], removed: Set<String> = []
                for n in 0..<Int.random(in: 0...4, using: &rng) {
                    if !lines.isEmpty && Bool.random(using: &rng) {
                        removed.insert(lines.remove(at: Int.random(in: 0..<lines.count, using: &rng)))
                    } else {
                        let line = "\(tag) \(round) \(n)\n"
                        lines.insert(line, at: Int.random(in: 0...lines.count, using: &rng))
                        added.insert(line)
                    }
                }
                // A line added and then removed again by the same side is not an addition.
                return (lines, added.filter { lines.contains($0) }, removed.subtracting(added))
            }
            let (ours, ourAdds, ourRemovals) = edit("ours"), (theirs, theirAdds, theirRemovals) = edit("theirs")
            let merged = merge(base.joined(), ours.joined(), theirs.joined()).text
            let lines: [String] = merged.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { String($0) + "\n" }
            for line in ourAdds.union(theirAdds) { XCTAssertTrue(lines.contains(line), "round \(round): \(line) lost") }
            for line in base where !ourRemovals.contains(line) && !theirRemovals.contains(line) {
                XCTAssertTrue(lines.contains(line), "round \(round): \(line) lost")
            }
        }
    }

    func testAWholeRewriteCostsOneHunk() {
        let base = (0..<20_000).map { "line \($0)\n" }.joined()
        let theirs = (0..<20_000).map { "other \($0)\n" }.joined()
        XCTAssertEqual(merge(base, base + "tail\n", theirs).text, theirs + "tail\n")
    }

    /// The writer's base is not known for sure: the version that explains its write without
    /// an overlap is the one, so a line it changed twice is not kept twice.
    func testOfSeveralPossibleBasesTheOneWithoutOverlapIsTaken() {
        let given = "| T2 | pending |\nend\n", first = "| T2 | wip |\nend\n", second = "| T2 | done |\nend\n"
        // PLAN.md took the first write already; the second was made on it.
        let ours = first.replacingOccurrences(of: "end", with: "end\nmore")
        let chosen = LineMerge.merge(bases: [Array(given.utf8), Array(first.utf8)], ours: Array(ours.utf8), theirs: Array(second.utf8))
        XCTAssertEqual(String(decoding: chosen.result.bytes, as: UTF8.self), "| T2 | done |\nend\nmore\n")
        XCTAssertEqual(chosen.result.overlaps, 0)
        XCTAssertEqual(chosen.base, Array(first.utf8))
        let wrong = merge(given, ours, second)
        XCTAssertEqual(wrong, Merged("| T2 | wip |\n| T2 | done |\nend\nmore\n", 1), "what the wrong base does")
    }

    /// A change the caller refuses is not made; the rest of the same write is.
    func testARefusedChangeIsLeftOut() {
        let base = "a\nb\nc\nd\n", theirs = "A\nb\nc\nD\n"
        let r = LineMerge.merge(base: Array(base.utf8), ours: Array(base.utf8), theirs: Array(theirs.utf8)) { !$0.contains(3) }
        XCTAssertEqual(String(decoding: r.bytes, as: UTF8.self), "A\nb\nc\nd\n")
        XCTAssertEqual(r.refused, [3..<4])
    }
}
