@testable import Dashboard
import FactoryEngine
import Foundation
import PlanDocument
import XCTest

/// `n` is the search's while a search is shown in the focused messages pane, and denies a
/// request everywhere else; the help and the hints say so. Selections stay on what they show.
final class MessageKeysTests: XCTestCase {
    func testNMovesBetweenMatchesOnlyWhileSearching() throws {
        let map = try Keymap()
        XCTAssertEqual(map.action(for: .char("n")), .deny)
        XCTAssertEqual(map.action(for: .char("n"), searching: true), .nextMatch)
        XCTAssertEqual(map.action(for: .char("N"), searching: true), .previousMatch)
        XCTAssertNil(map.action(for: .char("N")))
        XCTAssertEqual(map.action(for: .char("y"), searching: true), .allow, "other keys act as ever")

        let mine = try Keymap(overrides: "next_match = >\n")
        XCTAssertEqual(mine.action(for: .char(">"), searching: true), .nextMatch)
        XCTAssertEqual(mine.action(for: .char("n"), searching: true), .deny, "the search no longer borrows n")
    }

    func testHelpAndHintsSayWhatNDoes() throws {
        let help = try Keymap().helpLines
        XCTAssertTrue(help.contains { $0.hasPrefix("n ") && $0.contains("deny what an agent asks") && $0.contains("(n: not while searching messages)") }, "\(help)")
        XCTAssertTrue(help.contains { $0.hasPrefix("n ") && $0.contains("next message found") })
        XCTAssertTrue(help.contains { $0.hasPrefix("N ") && $0.contains("previous message found") })

        var snap = Fixture.snapshot()
        var ui = UIState()
        ui.focus = .messages
        ui.search = "fix"
        let keymap = try Keymap()
        XCTAssertTrue(KeyHints.line(snap, ui, keymap: keymap).hasPrefix(" n/N next/previous match · Esc clear"), KeyHints.line(snap, ui, keymap: keymap))
        snap.agents[1].request = PermissionRequest(requestID: "r1", tool: "Bash", inputJSON: "{}", summary: "Bash: ls", toolUseID: "",
                                                   receivedAt: Date(timeIntervalSince1970: 0))
        XCTAssertTrue(KeyHints.line(snap, ui, keymap: keymap).hasPrefix(" v read whole · y/A answer · n/N next/previous match"), "n searches here: it is not offered as deny")
        ui.focus = .agents
        XCTAssertTrue(KeyHints.line(snap, ui, keymap: keymap).hasPrefix(" v read whole · y/A/n answer · "), KeyHints.line(snap, ui, keymap: keymap))
    }

    func testSelectionStaysOnItsAgentTaskAndMessage() {
        var old = Fixture.snapshot()
        old.plan = Fixture.plan(tasks: ["T1", "T2", "T3"])
        old.plan.messages = [Fixture.message("one", line: 20), Fixture.message("two", line: 24)]
        var ui = UIState()
        ui.selectedAgent = 2
        ui.selectedTask = 1
        ui.messageScroll.hold(at: MessagePlace(line: 24, row: 1), messageCount: 2)
        ui.reader = MessageReader(line: 20)
        let role = old.agents[2].role

        var new = old
        new.agents.insert(new.agents[4], at: 0)
        new.plan = Fixture.plan(tasks: ["T0", "T1", "T2", "T3"])
        new.plan.messages = [Fixture.message("one", line: 21), Fixture.message("two", line: 25), Fixture.message("three", line: 29)]
        ui.keepPlaces(from: old, to: new)
        XCTAssertEqual(new.agents[ui.selectedAgent].role, role)
        XCTAssertEqual(new.plan.tasks[ui.selectedTask].id, "T2")
        XCTAssertEqual(ui.messageScroll.top, MessagePlace(line: 25, row: 1), "the same message, a line lower in PLAN.md")
        XCTAssertEqual(ui.reader?.line, 21)

        // Drawn: the selected row is the same agent's, one row lower.
        let lines = { (snap: Snapshot, ui: UIState) -> [String] in
            var canvas = Canvas(width: 40, height: 8)
            AgentsPane.draw(snap, ui, focused: true, in: Rect(x: 0, y: 0, width: 40, height: 8), on: &canvas)
            return (0..<8).map { y in canvas.cells[y * 40 + 1].role == .selection ? canvas.line(y) : "" }
        }
        var before = UIState()
        before.selectedAgent = 2
        XCTAssertEqual(lines(old, before).filter { !$0.isEmpty }.first?.contains(role), true)
        XCTAssertEqual(lines(new, ui).firstIndex { !$0.isEmpty }, 4, "a row arrived above it")
        XCTAssertEqual(lines(new, ui).filter { !$0.isEmpty }.first?.contains(role), true)
    }

    /// The tasks pane drawn whole, with `>` before the selected row, before and after a task
    /// arrives above the selected one.
    func testTheSelectedTaskStaysSelectedWhenARowArrivesAbove() {
        var old = Fixture.snapshot()
        old.plan = Fixture.plan(tasks: ["T1", "T2", "T3"])
        var new = old
        new.plan = Fixture.plan(tasks: ["T0", "T1", "T2", "T3"])
        var ui = UIState()
        ui.focus = .tasks
        ui.selectedTask = 1
        let drawn = { (snap: Snapshot, ui: UIState) -> [String] in
            var canvas = Canvas(width: 44, height: 6)
            TasksPane.draw(snap, ui, focused: true, in: Rect(x: 0, y: 0, width: 44, height: 6), on: &canvas)
            return (0..<6).map { y in (canvas.cells[y * 44 + 1].role == .selection ? ">" : " ") + canvas.line(y) }
        }
        XCTAssertEqual(drawn(old, ui), [
            " ┌ tasks 0/0 ───────────────────────────────┐",
            " │T1    pending builder      task T1        │",
            ">│T2    pending builder      task T2        │",
            " │T3    pending builder      task T3        │",
            " │                                          │",
            " └──────────────────────────────────────────┘",
        ])
        ui.keepPlaces(from: old, to: new)
        XCTAssertEqual(drawn(new, ui), [
            " ┌ tasks 0/0 ───────────────────────────────┐",
            " │T0    pending builder      task T0        │",
            " │T1    pending builder      task T1        │",
            ">│T2    pending builder      task T2        │",
            " │T3    pending builder      task T3        │",
            " └──────────────────────────────────────────┘",
        ])
    }
}
