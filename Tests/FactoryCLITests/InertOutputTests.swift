import Foundation
import XCTest

/// Text from PLAN.md reaches the terminal as data: every command's readable output shows
/// controls as visible escapes, and JSON output escapes them as `\uXXXX`.
final class InertOutputTests: FactoryTestCase {
    /// Clear the screen, set the title, a C1 CSI (as UTF-8 and as a lone byte), a right-to-left
    /// override and a NUL.
    static let clear = "\u{1B}[2J", title = "\u{1B}]0;title\u{07}", csi = "\u{9B}", rlo = "\u{202E}", nul = "\u{0}"

    override func setUpWithError() throws {
        try super.setUpWithError()
        try writePlan(Self.hostilePlan())
    }

    /// A plan whose fields, task cells, message and dependency IDs all carry hostile bytes.
    static func hostilePlan() -> [UInt8] {
        let text = """
        # Plan \(clear)

        **Status:** 🔄 Working \(title)\(rlo)

        ## Active Tasks

        | ID | Agent | Status | Priority | Description | Depends On |
        |----|-------|--------|----------|-------------|------------|
        | T1\(clear) | builder\(rlo) | banana \(title) | P0 | do \(csi) it \(nul) | T9\(rlo) |
        | T1\(clear) | builder | ✅ Done | P0 | again \(clear) | - |
        | T2 | tester | ⏳ Pending | P1 | raw C1 ->RAWC1<- here | - |

        ## Messages

        ### Builder → Architect (10:25)

        hello \(title) \(rlo)gnp.exe \(csi)31m red

        """
        var bytes = Array(text.utf8)
        // A lone 0x9B byte (invalid UTF-8, a C1 CSI to an 8-bit terminal) in T2's description.
        if let at = bytes.indices.first(where: { bytes[$0...].starts(with: Array("RAWC1".utf8)) }) {
            bytes.replaceSubrange(at..<(at + 5), with: [0x9B])
        }
        return bytes
    }

    // MARK: readable output

    func testPlanShowsHostileTextAsVisibleEscapes() throws {
        let r = try factory("plan", "--file", planPath)
        XCTAssertEqual(r.status, 0, r.summary)
        assertInert(r.stdout, r)
        XCTAssertTrue(r.stdout.contains("T1^[[2J"), "the ID is shown with its escape visible:\n\(r.stdout)")
        XCTAssertTrue(r.stdout.contains("<U+202E>gnp.exe"), "the override is shown, not obeyed:\n\(r.stdout)")
        XCTAssertTrue(r.stdout.contains("<U+009B>31m"), "the C1 CSI is shown:\n\(r.stdout)")
    }

    func testLintQuotesIDsAndStatusesInertly() throws {
        let r = try factory("lint", "--file", planPath)
        XCTAssertEqual(r.status, 1, r.summary)
        assertInert(r.stdout, r)
        XCTAssertTrue(r.stdout.contains("unknown status \"banana ^[]0;title^G\""), "the status word is quoted visibly:\n\(r.stdout)")
        XCTAssertTrue(r.stdout.contains("duplicate task ID T1^[[2J"), r.stdout)
        XCTAssertTrue(r.stdout.contains("T9<U+202E>"), r.stdout)
    }

    func testTaskAddRefusesAHostileIDInertly() throws {
        let r = try factory("task", "add", "--file", planPath, "--id", "T7\(Self.title)\(Self.rlo)", "Something")
        XCTAssertEqual(r.status, 1, r.summary)
        assertInert(r.stderr, r)
        XCTAssertTrue(r.stderr.hasPrefix("Error: --id T7^[]0;title^G<U+202E>: an ID is"), r.summary)
    }

    func testErrorsQuotingInputAreInert() throws {
        let r = try factory("task", "set", "T\(Self.clear)\(Self.title)\(Self.csi)\(Self.rlo)", "--description", "x", "--file", planPath)
        XCTAssertNotEqual(r.status, 0, r.summary)
        assertInert(r.stderr, r)
        XCTAssertEqual(r.stderr.filter { $0 == "\n" }.count, 1, "one line: \(r.stderr)")
        XCTAssertTrue(r.stderr.contains("T^[[2J^[]0;title^G<U+009B><U+202E>"), r.stderr)

        let bad = try factory("plan", "--file", planPath, "--bogus\(Self.clear)")
        XCTAssertNotEqual(bad.status, 0, bad.summary)
        assertInert(bad.stderr, bad)
    }

    // MARK: JSON

    func testPlanJSONEscapesControlsAndBidi() throws {
        let r = try factory("plan", "--json", "--file", planPath)
        XCTAssertEqual(r.status, 0, r.summary)
        assertInert(r.stdout, r)
        for escaped in ["\\u001b[2J", "\\u001b]0;title\\u0007", "\\u009b", "\\u202e", "\\u0000"] {
            XCTAssertTrue(r.stdout.contains(escaped), "plan --json has \(escaped):\n\(r.stdout)")
        }
        // Still JSON, and the text itself is unchanged.
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let tasks = try XCTUnwrap(json["tasks"] as? [[String: Any]])
        XCTAssertEqual(tasks.first?["id"] as? String, "T1\(Self.clear)")
        XCTAssertEqual(tasks.first?["dependsOn"] as? [String], ["T9\(Self.rlo)"])
    }

    /// A feature request is outside input too: status, status --json and events show it inert.
    func testStatusAndEventsShowAHostileFeatureInertly() throws {
        let repo = try makeSimRepo()
        let feature = "Greet \(Self.title)\(Self.rlo) \(Self.csi)31m now"
        let started = try factory(["start", feature], cwd: repo)
        XCTAssertEqual(started.status, 0, started.summary)
        assertInert(started.stdout, started)
        let status = try factory(["status"], cwd: repo)
        assertInert(status.stdout, status)
        XCTAssertTrue(status.stdout.contains("Greet ^[]0;title^G<U+202E> <U+009B>31m now"), status.stdout)
        let json = try factory(["status", "--json"], cwd: repo)
        assertInert(json.stdout, json)
        XCTAssertTrue(json.stdout.contains("\\u202e"), json.stdout)
        let events = try factory(["events"], cwd: repo)
        assertInert(events.stdout, events)
        XCTAssertTrue(events.stdout.contains("feature requested: Greet"), events.stdout)
    }
}

extension FactoryTestCase {
    /// Output is inert: something was printed, and it holds no C0 control but the line
    /// break, no DEL, no C1 control and no bidirectional control.
    func assertInert(_ output: String, _ r: CLIResult, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(output.isEmpty, "no output (or not UTF-8): \(r.summary)", file: file, line: line)
        let live = output.unicodeScalars.filter { s in
            switch s.value {
            case 0x0A: return false
            case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true
            default: return false
            }
        }
        XCTAssertEqual(live.map { String($0.value, radix: 16) }, [], "live controls reach the terminal: \(r.summary)", file: file, line: line)
    }
}
