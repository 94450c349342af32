import XCTest
@testable import PlanDocument

final class ParseTests: XCTestCase {
    func testTemplate() {
        let view = PlanDocument(Fixtures.template).view
        XCTAssertEqual(view.field("Status"), "🟢 Ready")
        XCTAssertEqual(view.field("Lead"), "Orchestrator")
        XCTAssertEqual(view.field("Updated"), "2026-11-24")
        XCTAssertEqual(view.tasks, [], "the placeholder row is not a task")
        XCTAssertEqual(view.taskTables.count, 1)
        XCTAssertEqual(view.messages, [])
        XCTAssertEqual(view.checkpoints.map(\.title), ["Design Approved", "Implementation Done", "Validation Passed", "Ready to Merge"])
        XCTAssertEqual(view.checkpoints.map(\.number), [1, 2, 3, 4])
        XCTAssertTrue(view.checkpoints.allSatisfy { !$0.items.isEmpty && $0.items.allSatisfy { !$0.done } })
        XCTAssertEqual(view.changeLog.map(\.change), ["Plan created"])
        XCTAssertEqual(view.diagnostics, [])
    }

    func testTasksOfTheWorkingPlan() {
        let view = PlanDocument(Fixtures.working).view
        XCTAssertEqual(view.tasks.map(\.id), ["T1", "T2", "**T3**", "T4", "T5", "T6"], "the table in the code fence does not count")
        XCTAssertEqual(view.tasks.map(\.status), [.done, .wip, .pending, .blocked, .failed, .unknown])
        let t2 = view.tasks[1]
        XCTAssertEqual(t2.agent, "builder")
        XCTAssertEqual(t2.statusText, "🔄 In Progress")
        XCTAssertEqual(t2.priority, "P0")
        XCTAssertEqual(t2.description, "Implement JWT | sessions", "escaped pipe is unescaped")
        XCTAssertEqual(t2.dependsOn, ["T1"])
        XCTAssertEqual(t2.line, 14)
        XCTAssertEqual(view.tasks[2].dependsOn, ["T1", "T2"])
        XCTAssertEqual(view.tasks[0].dependsOn, [])
        XCTAssertEqual(view.tasks[4].dependsOn, [], "a missing cell is empty")
        XCTAssertEqual(view.tasks[5].cells.count, 6, "cells beyond the header are dropped")
        XCTAssertEqual(view.taskTables.count, 1, "decision tables are not task tables")
    }

    func testTaskTableVariants() {
        let view = PlanDocument(Fixtures.variants).view
        XCTAssertEqual(view.taskTables.count, 3)
        XCTAssertEqual(view.tasks.map(\.id), ["A1", "B1", "B2", "B3", "C1"])
        XCTAssertEqual(view.tasks.map(\.status), [.done, .wip, .pending, .done, .wip])
        XCTAssertEqual(view.tasks.map(\.agent), ["builder", "tester", "tester", "", "docwriter"])
        XCTAssertEqual(view.tasks[0].description, "no outer pipes")
        XCTAssertEqual(view.tasks[1].description, "", "Notes is an extra column, not the description")
        XCTAssertEqual(view.tasks[1].cells, ["wip", "columns in any order", "B1", "tester", "A1"])
        XCTAssertEqual(view.tasks[2].dependsOn, ["B1", "A1"])
        XCTAssertEqual(view.tasks[3].dependsOn, [])
        XCTAssertEqual(view.tasks.map(\.table), [0, 1, 1, 1, 2])
        XCTAssertEqual(view.taskTables.map(\.section), ["Phase 1", "Phase 2", "Phase 3"])
        XCTAssertFalse(view.hasErrors, "\(view.diagnostics)")
    }

    func testMessagesInEveryVariant() {
        let messages = PlanDocument(Fixtures.working).view.messages
        XCTAssertEqual(messages.map(\.from), ["Builder", "Architect", "Tester", "Security"])
        XCTAssertEqual(messages.map(\.to), [["Architect"], ["Builder", "Tester"], ["All"], ["Orchestrator"]])
        XCTAssertEqual(messages.map(\.time), ["10:25", "2026-11-24 10:40", "2026-11-24 14:30", "[Date/Time]"])
        XCTAssertEqual(messages[0].body, "**Question:** JWT or session-based?\n\n- option one\n- option two")
        XCTAssertEqual(messages[1].body, "JWT. Example:\n\n```\n### not a heading\n---\n```\n\nDone.", "a fence in a body is body")
        XCTAssertEqual(messages[2].body, "Tests are green.", "the body ends at a thematic break")
        XCTAssertEqual(messages[3].body, "Found an issue.", "the body ends at the next level-2 heading")
        XCTAssertEqual(messages[0].line, 36)
    }

    func testSetextUnderlineIsAHeadingNotABreak() {
        let doc = PlanDocument("## Messages\n\n### Tester → All\nTests are green.\n---\n")
        XCTAssertEqual(doc.view.messages.first?.body, "", "`text` then `---` is a setext heading, which ends the body")
        XCTAssertEqual(doc.view.verdicts, [], "a heading that merely starts with 'Tests' is no verdict section")
    }

    func testArrowHeadingsOutsideMessagesNeedKnownParties() {
        let doc = PlanDocument("## Design\n\n### Request → Response flow\nText.\n\n### Builder → Tester\nHi\n")
        XCTAssertEqual(doc.view.messages.map(\.from), ["Builder"])
    }

    func testCheckpoints() {
        let checkpoints = PlanDocument(Fixtures.working).view.checkpoints
        XCTAssertEqual(checkpoints.count, 2)
        XCTAssertEqual(checkpoints[0].items.map(\.text), ["Architect completed design", "Human approved the plan"])
        XCTAssertEqual(checkpoints[0].items.map(\.done), [true, false])
        XCTAssertEqual(checkpoints[1].items.map(\.done), [true, false], "* and 1. bullets, [X] in capitals")
    }

    func testVerdicts() {
        let verdicts = PlanDocument(Fixtures.working).view.verdicts
        XCTAssertEqual(verdicts.map(\.kind), [.review, .security, .tests])
        XCTAssertEqual(verdicts.map(\.subject), ["Auth", "Auth", "Auth"])
        XCTAssertEqual(verdicts.map(\.verdict), ["approved", "undecided", "needs_fixes"])
    }

    func testVerdictWordsOfEachKind() {
        let cases: [(VerdictKind, String, String)] = [
            (.review, "✅ Approved", "approved"), (.review, "❌ Changes Requested", "changes_requested"),
            (.security, "✅ Secure", "secure"), (.security, "⚠️ Issues Found", "issues_found"),
            (.security, "❌ Critical Block", "critical_block"), (.tests, "✅ Tests Pass", "pass"),
            (.tests, "❌ Needs Fixes", "needs_fixes"), (.review, "✅ Approved | ❌ Changes Requested", "undecided"),
            (.review, "Looks odd", "unknown"),
        ]
        for (kind, line, expected) in cases {
            let heading = ["review": "Code Review", "security": "Security Audit", "tests": "Test Results"][kind.rawValue]!
            let view = PlanDocument("## \(heading): X\n\n### Verdict\n\(line)\n").view
            XCTAssertEqual(view.verdicts.first?.verdict, expected, line)
        }
    }

    func testStatusWords() {
        let cases: [(String, TaskStatus)] = [
            ("✅", .done), ("✔ ok", .done), ("✓", .done), ("☑", .done), ("[x]", .done), ("Done", .done),
            ("complete", .done), ("COMPLETED", .done), ("merged", .done), ("approved", .done),
            ("🔄 WIP", .wip), ("🚧", .wip), ("⚙️ busy", .wip), ("in progress", .wip), ("In-Progress", .wip),
            ("working", .wip), ("doing", .wip), ("active", .wip),
            ("⏳", .pending), ("🕐", .pending), ("[ ]", .pending), ("pending", .pending), ("todo", .pending),
            ("To Do", .pending), ("waiting", .pending), ("queued", .pending), ("not started", .pending), ("planned", .pending),
            ("❌", .blocked), ("⛔", .blocked), ("🚫", .blocked), ("blocked", .blocked), ("On hold", .blocked),
            ("🔴", .failed), ("💥", .failed), ("failed", .failed), ("failure", .failed), ("error", .failed), ("broken", .failed),
            ("🟢 done", .done), ("**Done**", .done), ("someday", .unknown), ("donel", .unknown), ("", .unknown),
        ]
        for (cell, expected) in cases { XCTAssertEqual(TaskStatus(cell: cell), expected, cell) }
    }

    func testDiagnostics() {
        let text = """
        | ID | Status | Depends On |
        |----|--------|------------|
        | T1 | done | T2 |
        | T2 | done | T1 |
        | T1 | maybe | T9 |
        | T3 | done |
        | ID | Status |
        |----|--------|----|

        ```
        never closed
        """
        let d = PlanDocument(text).view.diagnostics
        func has(_ line: Int, _ severity: Diagnostic.Severity, _ part: String) -> Bool {
            d.contains { $0.line == line && $0.severity == severity && $0.message.contains(part) }
        }
        XCTAssertTrue(has(5, .error, "duplicate task ID T1"), "\(d)")
        XCTAssertTrue(has(5, .error, "unknown task T9"), "\(d)")
        XCTAssertTrue(has(5, .warning, "unknown status"), "\(d)")
        XCTAssertTrue(d.contains { $0.severity == .error && $0.message.contains("cycle") && $0.message.contains("T1 → T2 → T1") }, "\(d)")
        XCTAssertTrue(has(6, .warning, "row has 2 cells"), "\(d)")
        XCTAssertTrue(has(10, .warning, "never closed"), "\(d)")
    }

    func testByteProblemsAreReportedWithLines() {
        let bytes = Array("# T\n\nok\n".utf8) + [0xC3, 0x28, 0x0A] + Array("x\u{0}y\n".utf8)
        let d = PlanDocument(bytes: bytes).view.diagnostics
        XCTAssertTrue(d.contains { $0.line == 4 && $0.message.contains("UTF-8") }, "\(d)")
        XCTAssertTrue(d.contains { $0.line == 5 && $0.message.contains("NUL") }, "\(d)")
    }

    func testLinesEndAtLFCRLFAndLoneCR() {
        let doc = PlanDocument(bytes: Array("a\nb\r\nc\rd".utf8))
        XCTAssertEqual(doc.lines.starts, [0, 2, 5, 7, 8])
        let crOnly = PlanDocument(bytes: Array("| ID | Status |\r|----|----|\r| T1 | done |\r".utf8))
        XCTAssertEqual(crOnly.view.tasks.map(\.id), ["T1"])
    }

    func testTablesInsideHTMLCommentsAndQuotesDoNotCount() {
        let text = "<!--\n| ID | Status |\n|---|---|\n| H1 | done |\n-->\n\n> | ID | Status |\n> |---|---|\n> | Q1 | done |\n"
        XCTAssertEqual(PlanDocument(text).view.tasks, [])
    }
}
