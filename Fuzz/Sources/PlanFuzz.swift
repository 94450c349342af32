import Foundation
@testable import PlanDocument

/// PLAN.md: parsing never fails and never changes a byte; an edit changes only its lines
/// and does what it says.
enum PlanFuzz {
    static func parse(_ bytes: [UInt8]) {
        let doc = PlanDocument(bytes: bytes)
        checkLossless(doc, bytes)
        for block in doc.blocks { check(block.firstLine <= block.lastLine && block.lastLine < doc.lines.count, "block \(block) outside the file") }
        for task in doc.view.tasks { check(doc.view.taskTables.indices.contains(task.table), "task \(task.id) in no table") }
        _ = doc.sections { _ in true }
        _ = doc.tables()
        _ = doc.failedVerdictSections
        _ = doc.nextTaskID()
    }

    /// The lines laid end to end are the file, each line non-empty and in order.
    static func checkLossless(_ doc: PlanDocument, _ bytes: [UInt8]) {
        check(doc.bytes == bytes, "parse changed the bytes")
        let starts = doc.lines.starts
        check(starts.first == 0 && starts.last == bytes.count, "line table does not cover the file: \(starts.prefix(3))…\(starts.suffix(2)) of \(bytes.count)")
        check(zip(starts, starts.dropFirst()).allSatisfy { $0 < $1 }, "line table not strictly increasing")
        var joined: [UInt8] = []
        for i in 0..<doc.lines.count { joined += bytes[doc.lines.range(of: i)] }
        check(joined == bytes, "print(parse(x)) != x")
    }

    /// Input: `OP INDEX VALUE… NUL DOCUMENT`. OP picks the edit, INDEX the task, item or field
    /// it targets, VALUE is the text it writes.
    static func edit(_ bytes: [UInt8]) {
        let (header, body) = splitHeader(bytes)
        guard header.count >= 2 else { return }
        let doc = PlanDocument(bytes: body)
        let value = text(Array(header.dropFirst(2)))
        let index = Int(header[1])
        guard let (edit, kind) = chooseEdit(op: header[0], index: index, value: value, doc: doc) else { return }
        guard let after = try? doc.applying(edit) else { return }
        FuzzShow.text = { "--- before\n\(text(body))\n--- after\n\(text(after.bytes))\n--- messages after\n\(after.view.messages.map { "\($0.line): \($0.from) → \($0.to)" })" }
        checkLossless(PlanDocument(bytes: after.bytes), after.bytes)
        checkOnlyItsLines(doc, after, edit)
        checkMeaning(kind, edit, doc.view, after.view)
    }

    enum Kind { case taskCell(PlanTask, TaskColumn), checkpoint(CheckpointItem), message, addTask, other }

    static func chooseEdit(op: UInt8, index: Int, value: String, doc: PlanDocument) -> (PlanEdit, Kind)? {
        let view = doc.view
        switch op % 8 {
        case 0:
            guard !view.tasks.isEmpty else { return nil }
            let task = view.tasks[index % view.tasks.count]
            let columns: [TaskColumn] = [.description, .agent, .priority, .status, .dependsOn]
            let column = columns[(index / 16) % columns.count]
            return (.setTaskCell(id: task.id, column: column.rawValue, value: value), .taskCell(task, column))
        case 1:
            return (.addTask(TaskDraft(agent: "builder", description: value, table: view.taskTables.isEmpty ? nil : index % view.taskTables.count)), .addTask)
        case 2:
            return (.appendMessage(from: "Builder", to: ["Tester"], body: value, time: "12:00"), .message)
        case 3:
            let items = view.checkpoints.flatMap(\.items)
            guard !items.isEmpty else { return nil }
            let item = items[index % items.count]
            return (.setCheckpointItem(text: item.text, done: !item.done), .checkpoint(item))
        case 4:
            return (.appendChangeLog(date: "2026-11-26", change: value, by: "builder"), .other)
        case 5:
            let verdicts = ["approved", "changes_requested", "secure", "issues_found", "critical_block", "pass", "needs_fixes"]
            let kind = VerdictKind.allCases[index % 3]
            return (.recordVerdict(kind: kind, subject: value, verdict: verdicts[(index / 3) % verdicts.count]), .other)
        case 6:
            let name = view.fields.isEmpty || index % 4 == 0 ? "Status" : view.fields[index % view.fields.count].name
            return (.setField(name: name, value: value), .other)
        default:
            return (.appendSection(markdown: value), .other)
        }
    }

    /// Every line of the old file but one (the line edited, or the unterminated last line an
    /// insertion at the end terminates) is in the new file, in order and unchanged.
    static func checkOnlyItsLines(_ before: PlanDocument, _ after: PlanDocument, _ edit: PlanEdit) {
        let old = (0..<before.lines.count).map { before.bytes[before.lines.range(of: $0)] }
        let new = (0..<after.lines.count).map { after.bytes[after.lines.range(of: $0)] }
        var prefix = 0
        while prefix < old.count, prefix < new.count, old[prefix] == new[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < old.count - prefix, suffix < new.count - prefix, old[old.count - 1 - suffix] == new[new.count - 1 - suffix] { suffix += 1 }
        let changed = old.count - prefix - suffix
        check(changed <= 1, "\(edit) changed \(changed) lines of the old file (from line \(prefix + 1))")
    }

    /// What the edit says is what the file now says, and nothing else it holds changed.
    static func checkMeaning(_ kind: Kind, _ edit: PlanEdit, _ before: PlanView, _ after: PlanView) {
        switch kind {
        case .taskCell(let task, let column):
            check(after.tasks.count == before.tasks.count, "\(edit): task count \(before.tasks.count) → \(after.tasks.count)")
            guard after.tasks.count == before.tasks.count else { return }
            for (old, new) in zip(before.tasks, after.tasks) where old.line != task.line {
                check(old == new, "\(edit) changed another task: \(old) → \(new)")
            }
            check(headings(after.messages) == headings(before.messages), "\(edit) changed the messages")
            if column == .description, let edited = after.tasks.first(where: { $0.line == task.line }) {
                let expected = cellSafe(editValue(edit))
                check(edited.description == unescapedCell(expected) || edited.description == expected,
                      "\(edit): description reads back as \(String(reflecting: edited.description))")
            }
        case .checkpoint(let item):
            check(after.tasks == before.tasks, "\(edit) changed the tasks")
            let flipped = after.checkpoints.flatMap(\.items).first { $0.line == item.line }
            check(flipped?.done == !item.done, "\(edit) did not tick item on line \(item.line)")
        case .message:
            check(after.tasks.map(\.id) == before.tasks.map(\.id), "\(edit) changed the task IDs")
            check(after.messages.count == before.messages.count + 1, "\(edit): messages \(before.messages.count) → \(after.messages.count)")
            check(after.messages.contains { $0.from == "Builder" && $0.to == ["Tester"] && $0.time == "12:00" }, "\(edit): message not found")
        case .addTask:
            check(after.tasks.count == before.tasks.count + 1, "\(edit): tasks \(before.tasks.count) → \(after.tasks.count)")
            check(headings(after.messages) == headings(before.messages), "\(edit) changed the messages")
        case .other:
            break
        }
    }

    /// Who said what to whom, when: not where (an inserted line moves what is below), nor
    /// the body (a plan may hold a task table inside a message, and a task edit edits it).
    static func headings(_ messages: [PlanMessage]) -> [String] {
        messages.map { "\($0.from) → \($0.to) (\($0.time))" }
    }

    static func editValue(_ edit: PlanEdit) -> String {
        if case let .setTaskCell(_, _, value) = edit { return value }
        return ""
    }

    static func unescapedCell(_ text: String) -> String { text.replacingOccurrences(of: "\\|", with: "|") }
}
