import XCTest
@testable import PlanDocument

/// Edits change only the lines they touch.
final class EditTests: XCTestCase {
    private func lines(_ doc: PlanDocument) -> [String] {
        (0..<doc.lines.count).map { String(decoding: doc.bytes[doc.lines.range(of: $0)], as: UTF8.self) }
    }

    /// Lines of `after` that differ from `before`, assuming `inserted` lines were added at `at`.
    private func changedLines(_ before: PlanDocument, _ after: PlanDocument) -> [String] {
        let a = lines(before), b = lines(after)
        var prefix = 0
        while prefix < min(a.count, b.count) && a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < min(a.count, b.count) - prefix && a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        return Array(b[prefix..<(b.count - suffix)])
    }

    func testSetStatusKeepsTheCellWidth() throws {
        let doc = PlanDocument(Fixtures.working)
        let after = try doc.applying(.setTaskCell(id: "T2", column: "status", value: "done"))
        XCTAssertEqual(changedLines(doc, after), ["| T2 | builder | ✅ Done | P0 | Implement JWT \\| sessions | T1 |\n"])
        XCTAssertEqual(after.view.tasks[1].status, .done)
        XCTAssertEqual(after.view.tasks[1].statusText, "✅ Done")
    }

    func testPaddedCellsStayAligned() throws {
        let text = "| ID | Status        | Agent |\n|----|---------------|-------|\n| T1 | ⏳ Pending    | a     |\n"
        let after = try PlanDocument(text).applying(.setTaskCell(id: "T1", column: "status", value: "done"))
        XCTAssertEqual(lines(after)[2], "| T1 | ✅ Done       | a     |\n", "the pipe after the cell stays in its column")
    }

    func testSetAnyColumnByHeaderName() throws {
        let doc = PlanDocument(Fixtures.variants)
        let after = try doc.applying(.setTaskCell(id: "B1", column: "notes", value: "a | b"))
        XCTAssertEqual(after.view.tasks[1].cells[1], "a | b")
        XCTAssertEqual(changedLines(doc, after).count, 1)
        XCTAssertThrowsError(try doc.applying(.setTaskCell(id: "B1", column: "nope", value: "x")))
    }

    func testMissingCellsAreAdded() throws {
        let doc = PlanDocument(Fixtures.working)
        let after = try doc.applying(.setTaskCell(id: "T5", column: "dependsOn", value: "T1"))
        XCTAssertEqual(after.view.tasks[4].dependsOn, ["T1"])
        XCTAssertEqual(after.view.tasks[4].description, "Audit")
    }

    func testEditOfAVanishedTaskFails() {
        let doc = PlanDocument(Fixtures.working)
        XCTAssertThrowsError(try doc.applying(.setTaskCell(id: "T99", column: "status", value: "done"))) { error in
            XCTAssertEqual((error as? PlanEditError)?.message, "no task T99 in PLAN.md")
        }
    }

    func testBoldIDsMatch() throws {
        let after = try PlanDocument(Fixtures.working).applying(.setTaskCell(id: "t3", column: "agent", value: "builder"))
        XCTAssertEqual(after.view.tasks[2].agent, "builder")
    }

    func testAddTaskReplacesThePlaceholder() throws {
        let doc = PlanDocument(Fixtures.template)
        let after = try doc.applying(.addTask(TaskDraft(agent: "builder", priority: "P0", description: "Build it", dependsOn: [])))
        XCTAssertEqual(changedLines(doc, after), ["| T1 | builder | ⏳ Pending | P0 | Build it | - |\n"])
        let again = try after.applying(.addTask(TaskDraft(agent: "tester", description: "Test it", dependsOn: ["T1"])))
        XCTAssertEqual(again.view.tasks.map(\.id), ["T1", "T2"])
        XCTAssertEqual(again.view.tasks[1].dependsOn, ["T1"])
        XCTAssertThrowsError(try again.applying(.addTask(TaskDraft(id: "T1"))), "duplicate IDs are refused")
    }

    func testAddTaskFollowsTheTableStyle() throws {
        let after = try PlanDocument(Fixtures.variants).applying(.addTask(TaskDraft(id: "A2", agent: "x", status: "wip", description: "d")))
        XCTAssertEqual(after.view.tasks[1].id, "A2")
        XCTAssertTrue(lines(after).contains("A2 | x | 🔄 In Progress | d\n"), "no outer pipes, like its header")
    }

    func testAppendMessageReplacesNoMessagesYet() throws {
        let doc = PlanDocument(Fixtures.template)
        let after = try doc.applying(.appendMessage(from: "builder", to: ["architect", "Tester"], body: "Ready?\n\n**Question:** now", time: "10:25"))
        XCTAssertEqual(changedLines(doc, after), ["### Builder → Architect, Tester (10:25)\n", "Ready?\n", "\n", "**Question:** now\n"])
        XCTAssertEqual(after.view.messages, [PlanMessage(from: "Builder", to: ["Architect", "Tester"], time: "10:25", body: "Ready?\n\n**Question:** now", line: after.view.messages[0].line)])
        let second = try after.applying(.appendMessage(from: "Tester", to: ["Builder"], body: "Yes", time: "10:30"))
        XCTAssertEqual(second.view.messages.map(\.body), ["Ready?\n\n**Question:** now", "Yes"])
        XCTAssertEqual(changedLines(after, second), ["### Tester → Builder (10:30)\n", "Yes\n", "\n"])
    }

    func testHostileBodiesCannotBreakTheLog() throws {
        let bodies = ["# Title\n## Section", "line\n---", "```\nunclosed fence", "<!-- unclosed", "text\n===", "### Fake → Message (1:00)\nx", "***"]
        var doc = PlanDocument(Fixtures.working)
        for body in bodies {
            let before = doc.view
            doc = try doc.applying(.appendMessage(from: "Builder", to: ["All"], body: body, time: "t"))
            XCTAssertEqual(doc.view.messages.count, before.messages.count + 1, body)
            XCTAssertEqual(doc.view.tasks, before.tasks, body)
            XCTAssertEqual(doc.view.checkpoints.map(\.items.count), before.checkpoints.map(\.items.count), body)
            XCTAssertEqual(doc.view.verdicts.map(\.verdict), before.verdicts.map(\.verdict), body)
        }
    }

    /// Found by fuzzing: escaping a fence left open brought the lines after it out of code,
    /// unchecked, so a heading there became a message of its own.
    func testABodyCannotSmuggleAMessagePastItsEscapes() throws {
        let bodies = ["```\n### Fake → Message (1:00)\nx", "ok\n```\nA\n```\n```\n## Messages\n### Tester => All - 2026-11-24 14:30\nx",
                      "<!--\n```\n### Fake → Message (1:00)", "```\n<!--\n```\n### Fake → Message (1:00)"]
        for body in bodies {
            let doc = PlanDocument(Fixtures.working)
            let after = try doc.applying(.appendMessage(from: "Builder", to: ["All"], body: body, time: "t"))
            XCTAssertEqual(after.view.messages.count, doc.view.messages.count + 1, body)
            XCTAssertFalse(after.view.messages.contains { $0.from == "Fake" || $0.from == "Tester" && $0.line > 60 }, body)
            XCTAssertEqual(after.view.tasks, doc.view.tasks, body)
        }
    }

    /// Found by fuzzing: a message quoting a task table added its rows to the plan's tasks.
    /// A message says things; it cannot add work. Other tables in a message stay tables.
    func testAMessageQuotingATaskTableAddsNoTask() throws {
        let bodies = ["### Heading\nse 1\n\nTask | Owner | St Phase 1\n\nTask | Owner | State | Details\n---|---|---|---\nA1 |",
                      "Proposed:\n\n| ID | Status |\n|----|--------|\n| X9 | done |", "  | ID | Status |\n  |:-|-:|\n  | X8 | wip |"]
        for body in bodies {
            let doc = PlanDocument(Fixtures.working)
            let after = try doc.applying(.appendMessage(from: "Builder", to: ["All"], body: body, time: "t"))
            XCTAssertEqual(after.view.tasks.map(\.id), doc.view.tasks.map(\.id), body)
            XCTAssertEqual(after.view.messages.count, doc.view.messages.count + 1, body)
            XCTAssertTrue(after.view.messages.last?.body.contains("ID | Status") == true || body.hasPrefix("###"), body)
        }
        let results = "| Test | Result |\n|------|--------|\n| a | ok |"
        let after = try PlanDocument(Fixtures.working).applying(.appendMessage(from: "Tester", to: ["All"], body: results, time: "t"))
        XCTAssertEqual(after.tables().first { $0.header == ["Test", "Result"] }?.rows, [["a", "ok"]], "a table that is not a task table stays one")
    }

    func testAppendMessageWithoutASection() throws {
        let after = try PlanDocument("# Plan\n\nText").applying(.appendMessage(from: "A", to: ["B"], body: "hi", time: ""))
        XCTAssertEqual(after.view.messages.map(\.body), ["hi"])
        XCTAssertTrue(after.bytes.starts(with: Array("# Plan\n\nText\n".utf8)), "a missing final newline is added, nothing else changes")
    }

    func testCRLFIsKept() throws {
        let text = Fixtures.template.replacingOccurrences(of: "\n", with: "\r\n")
        let doc = PlanDocument(text)
        let after = try doc.applying([.appendMessage(from: "A", to: ["B"], body: "x\ny", time: "1"), .addTask(TaskDraft(description: "d")),
                                      .appendChangeLog(date: "d", change: "c", by: "b")])
        let bytes = after.bytes
        for i in bytes.indices where bytes[i] == 0x0A { XCTAssertEqual(bytes[i - 1], 0x0D, "LF without CR at \(i)") }
        XCTAssertEqual(after.view.messages.map(\.body), ["x\ny"])
    }

    func testTickIsOneByte() throws {
        let doc = PlanDocument(Fixtures.template)
        let after = try doc.applying(.setCheckpointItem(text: "Human approved", done: true))
        XCTAssertEqual(zip(doc.bytes, after.bytes).filter { $0 != $1 }.count, 1)
        XCTAssertEqual(doc.bytes.count, after.bytes.count)
        XCTAssertTrue(after.view.checkpoints[0].items[1].done)
        let undone = try after.applying(.setCheckpointItem(text: "Human approved the plan", done: false))
        XCTAssertEqual(undone.bytes, doc.bytes)
        XCTAssertThrowsError(try doc.applying(.setCheckpointItem(text: "approved", done: true)), "ambiguous: two items contain it")
        XCTAssertThrowsError(try doc.applying(.setCheckpointItem(text: "no such item", done: true)))
    }

    func testChangeLogRow() throws {
        let doc = PlanDocument(Fixtures.working)
        let after = try doc.applying(.appendChangeLog(date: "2026-11-25", change: "Merged | main", by: "Orchestrator"))
        XCTAssertEqual(changedLines(doc, after), ["| 2026-11-25 | Merged \\| main | Orchestrator |\n"])
        XCTAssertEqual(after.view.changeLog.last?.change, "Merged | main")
    }

    func testRecordVerdict() throws {
        let doc = PlanDocument(Fixtures.working)
        let secure = try doc.applying(.recordVerdict(kind: .security, subject: "Auth", verdict: "critical_block"))
        XCTAssertEqual(changedLines(doc, secure), ["❌ Critical Block\n"])
        XCTAssertEqual(secure.view.verdicts.map(\.verdict), ["approved", "critical_block", "needs_fixes"])
        let tests = try secure.applying(.recordVerdict(kind: .tests, subject: "auth", verdict: "pass"))
        XCTAssertEqual(changedLines(secure, tests), ["**Verdict:** ✅ Tests Pass\n"])
        let fresh = try PlanDocument(Fixtures.template).applying(.recordVerdict(kind: .review, subject: "Login", verdict: "approved"))
        XCTAssertEqual(fresh.view.verdicts.map(\.subject), ["Login"])
        XCTAssertEqual(fresh.view.verdicts.map(\.verdict), ["approved"])
        XCTAssertThrowsError(try doc.applying(.recordVerdict(kind: .review, subject: "Auth", verdict: "secure")))
    }

    func testSetField() throws {
        let doc = PlanDocument(Fixtures.template)
        let after = try doc.applying(.setField(name: "status", value: "🔄 Working"))
        XCTAssertEqual(changedLines(doc, after), ["**Status:** 🔄 Working  \n"])
        XCTAssertEqual(after.view.field("Status"), "🔄 Working")
    }

    /// A name that would not read back as the field it sets is refused: empty, `*`, `:`.
    func testAFieldNameThatCannotReadBackIsRefused() throws {
        let doc = PlanDocument(Fixtures.template)
        for name in ["", "  ", "a*b", "Owner:", "**"] {
            XCTAssertThrowsError(try doc.applying(.setField(name: name, value: "x")), "\(name)") {
                XCTAssertTrue("\($0)".contains("a field's name is a word"), "\($0)")
            }
        }
        let added = try doc.applying(.setField(name: "Owner", value: "Ada"))
        XCTAssertEqual(added.view.field("Owner"), "Ada")
    }

    /// A NUL in a message (`factory say -` reads any bytes) is written as ␀, never raw.
    func testANulInAMessageIsWrittenAsItsSymbol() throws {
        let doc = PlanDocument(Fixtures.template)
        let after = try doc.applying(.appendMessage(from: "Human", to: ["All"], body: "before\u{0}after", time: "10:00"))
        XCTAssertFalse(after.bytes.contains(0))
        XCTAssertEqual(after.view.messages.last?.body, "before\u{2400}after")
    }

    func testFailedBatchChangesNothing() {
        let doc = PlanDocument(Fixtures.template)
        XCTAssertThrowsError(try doc.applying([.addTask(TaskDraft(description: "ok")), .setTaskCell(id: "T9", column: "status", value: "done")]))
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
