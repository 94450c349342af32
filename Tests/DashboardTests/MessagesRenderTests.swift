@testable import Dashboard
import FactoryEngine
import PlanDocument
import XCTest
import Dispatch

/// The messages pane and the reader drawn whole: every row of the canvas is compared.
final class MessagesRenderTests: XCTestCase {
    func messages(_ count: Int, body: (Int) -> String = { "message number \($0)" }) -> [PlanMessage] {
        (0..<count).map { Fixture.message(body($0), from: $0 % 2 == 0 ? "Builder" : "Tester", line: 10 + $0 * 4) }
    }

    /// The messages pane alone, in a canvas of its own size.
    func pane(_ messages: [PlanMessage], _ ui: UIState, focused: Bool = true, width: Int = 36, height: Int = 8) -> [String] {
        var canvas = Canvas(width: width, height: height)
        MessagesPane.draw(Fixture.snapshot(messages: messages), ui, focused: focused, in: Rect(x: 0, y: 0, width: width, height: height), on: &canvas)
        return canvas.lines
    }

    func assertLines(_ actual: [String], _ expected: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, "rows", file: file, line: line)
        for (i, (a, e)) in zip(actual, expected).enumerated() where a != e {
            XCTFail("row \(i):\n  got      \"\(a)\"\n  expected \"\(e)\"\nwhole:\n\(actual.joined(separator: "\n"))", file: file, line: line)
        }
    }

    func dump(_ lines: [String]) { print("DUMP<<\n" + lines.map { "\"\($0)\"," }.joined(separator: "\n") + "\n>>DUMP") }

    func log(_ messages: [PlanMessage], _ ui: UIState, width: Int = 36) -> MessageLog { MessageLog(messages, ui: ui, width: width - 2) }

    /// A long message is scrolled through a row at a time, back to its first line.
    func testScrollsByWrappedRow() {
        let all = messages(3) { $0 == 1 ? "a long message whose words wrap onto several rows of the narrow pane, six or seven" : "short \($0)" }
        var ui = UIState()
        assertLines(pane(all, ui), [
            "┌ messages 3 · follow ─────────────┐",
            "│Tester → Architect (10:25)        │",
            "│  a long message whose words wrap │",
            "│  onto several rows of the narrow │",
            "│  pane, six or seven              │",
            "│Builder → Architect (10:25)       │",
            "│  short 2                         │",
            "└──────────────────────────────────┘",
        ])
        ui.messageScroll = log(all, ui).scrolled(ui.messageScroll, by: -1, rows: 6, messageCount: 3)
        assertLines(pane(all, ui), [
            "┌ messages 3 · paused ─────────────┐",
            "│  short 0                         │",
            "│Tester → Architect (10:25)        │",
            "│  a long message whose words wrap │",
            "│  onto several rows of the narrow │",
            "│  pane, six or seven              │",
            "│Builder → Architect (10:25)       │",
            "└──────────────────────────────────┘",
        ])
        ui.messageScroll = log(all, ui).scrolled(ui.messageScroll, by: -3, rows: 6, messageCount: 3)
        XCTAssertEqual(ui.messageScroll.top, MessagePlace(line: 10), "no further than the first row")
        XCTAssertEqual(pane(all, ui)[1], "│Builder → Architect (10:25)       │")
        ui.messageScroll = log(all, ui).scrolled(ui.messageScroll, by: 1, rows: 6, messageCount: 3)
        XCTAssertEqual(ui.messageScroll.top, MessagePlace(line: 10, row: 1), "on by a row")
        ui.messageScroll = log(all, ui).scrolled(ui.messageScroll, by: 1, rows: 6, messageCount: 3)
        XCTAssertTrue(ui.messageScroll.isFollowing, "back at the newest row, it follows again")
    }

    /// A message longer than the pane is read from its first line by scrolling back.
    func testALongMessagesFirstLineIsReachable() {
        let long = (0..<900).map { "w\($0)" }.joined(separator: " ")
        let all = [Fixture.message(long, line: 3)]
        var ui = UIState()
        XCTAssertFalse(pane(all, ui).joined().contains("w0 w1"), "following shows its end")
        ui.messageScroll = log(all, ui).atOldest(ui.messageScroll, rows: 6, messageCount: 1)
        assertLines(pane(all, ui), [
            "┌ messages 1 · paused ─────────────┐",
            "│Builder → Architect (10:25)       │",
            "│  w0 w1 w2 w3 w4 w5 w6 w7 w8 w9   │",
            "│  w10 w11 w12 w13 w14 w15 w16 w17 │",
            "│  w18 w19 w20 w21 w22 w23 w24 w25 │",
            "│  w26 w27 w28 w29 w30 w31 w32 w33 │",
            "│  w34 w35 w36 w37 w38 w39 w40 w41 │",
            "└──────────────────────────────────┘",
        ])
    }

    /// Held, the pane does not move while messages arrive, and its title counts them.
    func testHeldViewStaysWhileMessagesArrive() {
        var ui = UIState()
        let before = messages(10)
        ui.messageScroll = log(before, ui).toggled(ui.messageScroll, rows: 6, messageCount: 10)
        let rows = [
            "│Tester → Architect (10:25)        │",
            "│  message number 7                │",
            "│Builder → Architect (10:25)       │",
            "│  message number 8                │",
            "│Tester → Architect (10:25)        │",
            "│  message number 9                │",
            "└──────────────────────────────────┘",
        ]
        assertLines(pane(before, ui), ["┌ messages 10 · paused ────────────┐"] + rows)
        assertLines(pane(messages(30), ui), ["┌ messages 30 · paused, 20 new ────┐"] + rows)
        ui.messageScroll = log(messages(30), ui).toggled(ui.messageScroll, rows: 6, messageCount: 30)
        XCTAssertTrue(pane(messages(30), ui)[6].contains("message number 29"), "f follows again, to the newest")

        // A pane with room to spare keeps it: what arrives waits for a move.
        var short = UIState()
        short.messageScroll = log(messages(1), short).toggled(short.messageScroll, rows: 6, messageCount: 1)
        let empty = Array(repeating: "│                                  │", count: 4) + ["└──────────────────────────────────┘"]
        assertLines(pane(messages(3), short), [
            "┌ messages 3 · paused, 2 new ──────┐",
            "│Builder → Architect (10:25)       │",
            "│  message number 0                │",
        ] + empty)
        short.messageScroll = log(messages(3), short).scrolled(short.messageScroll, by: -1, rows: 6, messageCount: 3)
        XCTAssertTrue(pane(messages(3), short)[6].contains("message number 2"), "a move shows them")
    }

    /// The search: its query and count in the title, its matches highlighted, n and N.
    func testSearchHighlightsAndCounts() {
        var ui = UIState()
        ui.search = "number 1"
        let all = messages(14)
        assertLines(pane(all, ui, width: 46), [
            "┌ messages 14 · \"number 1\" 5 found · follow ─┐",
            "│Tester → Architect (10:25)                  │",
            "│  message number 11                         │",
            "│Builder → Architect (10:25)                 │",
            "│  message number 12                         │",
            "│Tester → Architect (10:25)                  │",
            "│  message number 13                         │",
            "└────────────────────────────────────────────┘",
        ])
        var canvas = Canvas(width: 46, height: 8)
        MessagesPane.draw(Fixture.snapshot(messages: all), ui, focused: true, in: Rect(x: 0, y: 0, width: 46, height: 8), on: &canvas)
        let highlighted: [String] = (0..<8).map { (y: Int) -> String in
            (0..<46).map { (x: Int) -> String in
                let cell = canvas.cells[y * 46 + x]
                return cell.role == .searchMatch ? cell.text : "."
            }.joined()
        }
        XCTAssertEqual(highlighted[2], "...........number 1...........................", "the match, in the search's role")
        XCTAssertEqual(highlighted.filter { $0.contains("number 1") }.count, 3)
        let (first, notice) = log(all, ui, width: 46).jumped(ui.messageScroll, by: 1, rows: 6, messageCount: 14)
        XCTAssertEqual(notice, "search went round to the first match")
        ui.messageScroll = first
        assertLines(pane(all, ui, width: 46), [
            "┌ messages 14 · \"number 1\" 1/5 · paused ─────┐",
            "│Tester → Architect (10:25)                  │",
            "│  message number 1                          │",
            "│Builder → Architect (10:25)                 │",
            "│  message number 10                         │",
            "│Tester → Architect (10:25)                  │",
            "│  message number 11                         │",
            "└────────────────────────────────────────────┘",
        ])
        ui.messageScroll = log(all, ui, width: 46).jumped(ui.messageScroll, by: 1, rows: 6, messageCount: 14).0
        XCTAssertEqual(pane(all, ui, width: 46)[0], "┌ messages 14 · \"number 1\" 2/5 · paused ─────┐")
        XCTAssertEqual(pane(all, ui, width: 46)[2], "│  message number 10                         │")
        ui.messageScroll = log(all, ui, width: 46).jumped(ui.messageScroll, by: -1, rows: 6, messageCount: 14).0
        XCTAssertEqual(pane(all, ui, width: 46)[2], "│  message number 1                          │", "N goes back")
    }

    /// The search ignores case, in any script, and reads the sender too; over 100,000
    /// messages a frame stays quick.
    func testSearchIgnoresCaseAndScalesToAHundredThousandMessages() throws {
        var ui = UIState()
        let few = [Fixture.message("Un ÉTÉ chaud", line: 1), Fixture.message("FIX the parser", line: 5), Fixture.message("other", from: "Fixer", line: 9)]
        ui.search = "été"
        XCTAssertEqual(MessagesPane.shown(few, ui).map(\.line), [1])
        ui.search = "fix"
        XCTAssertEqual(MessagesPane.shown(few, ui).map(\.line), [5, 9])

        let many = (0..<100_000).map { Fixture.message("message \($0) with a body long enough to wrap once or twice in a narrow pane", line: $0 * 3) }
        let snap = Fixture.snapshot(messages: many)
        ui.search = "99 WITH"
        let keymap = try Keymap()
        let start = DispatchTime.now().uptimeNanoseconds
        var canvas = Canvas(width: 0, height: 0)
        for _ in 0..<5 { canvas = Frame.render(snap, ui, keymap: keymap, width: 120, height: 40) }
        let perFrame = Double(DispatchTime.now().uptimeNanoseconds - start) / 5 / 1e6
        XCTAssertTrue(canvas.lines[3].contains("\"99 WITH\" 1000 found"), canvas.lines[3])
        // A loose bound for a debug build on a shared machine.
        XCTAssertLessThan(perFrame, 250, "a frame took \(perFrame) ms")
    }

    /// Filters are named, so an empty pane says why.
    func testFiltersAreNamedInTheTitle() {
        var ui = UIState()
        ui.roleFilter = "reviewer"
        ui.search = "zzz"
        assertLines(pane(messages(4), ui, width: 70, height: 4), [
            "┌ messages 4 · role reviewer · \"zzz\" 0 found · follow ───────────────┐",
            "│no message matches role reviewer, \"zzz\" (Esc clears)                │",
            "│                                                                    │",
            "└────────────────────────────────────────────────────────────────────┘",
        ])
        ui.search = nil
        ui.roleFilter = "tester"
        XCTAssertEqual(pane(messages(4), ui, width: 70, height: 4)[0],
                       "┌ messages 4 · role tester · follow ─────────────────────────────────┐")
    }

    func testReaderShowsALongMessageFromItsFirstLine() throws {
        let long = (0..<600).map { "word\($0)" }.joined(separator: " ")
        let all = [Fixture.message("short", line: 5), Fixture.message(long, line: 9)]
        var ui = UIState()
        ui.focus = .messages
        ui.reader = MessageReader(line: 9)
        let wide: [String] = [
            "┌ message · PLAN.md line 9 · rows 1–21 of 67 · Esc closes ─────────────────────┐",
            "│Builder → Architect (10:25)                                                   │",
            "│  word0 word1 word2 word3 word4 word5 word6 word7 word8 word9 word10 word11   │",
            "│  word12 word13 word14 word15 word16 word17 word18 word19 word20 word21       │",
            "│  word22 word23 word24 word25 word26 word27 word28 word29 word30 word31       │",
            "│  word32 word33 word34 word35 word36 word37 word38 word39 word40 word41       │",
            "│  word42 word43 word44 word45 word46 word47 word48 word49 word50 word51       │",
            "│  word52 word53 word54 word55 word56 word57 word58 word59 word60 word61       │",
            "│  word62 word63 word64 word65 word66 word67 word68 word69 word70 word71       │",
            "│  word72 word73 word74 word75 word76 word77 word78 word79 word80 word81       │",
            "│  word82 word83 word84 word85 word86 word87 word88 word89 word90 word91       │",
            "│  word92 word93 word94 word95 word96 word97 word98 word99 word100 word101     │",
            "│  word102 word103 word104 word105 word106 word107 word108 word109 word110     │",
            "│  word111 word112 word113 word114 word115 word116 word117 word118 word119     │",
            "│  word120 word121 word122 word123 word124 word125 word126 word127 word128     │",
            "│  word129 word130 word131 word132 word133 word134 word135 word136 word137     │",
            "│  word138 word139 word140 word141 word142 word143 word144 word145 word146     │",
            "│  word147 word148 word149 word150 word151 word152 word153 word154 word155     │",
            "│  word156 word157 word158 word159 word160 word161 word162 word163 word164     │",
            "│  word165 word166 word167 word168 word169 word170 word171 word172 word173     │",
            "│  word174 word175 word176 word177 word178 word179 word180 word181 word182     │",
            "│  word183 word184 word185 word186 word187 word188 word189 word190 word191     │",
            "└──────────────────────────────────────────────────────────────────────────────┘",
            " ⚑ 1 the plan awaits approval  k/j/PgUp/PgDn scroll · g top · G end · Esc close…",
        ]
        assertLines(Frame.render(Fixture.snapshot(messages: all), ui, keymap: try Keymap(), width: 80, height: 24).lines, wide)
        assertLines(Frame.render(Fixture.snapshot(messages: all), ui, keymap: try Keymap(), width: 40, height: 12).lines, [
            "┌ message · PLAN.md line 9 · rows 1–9 …┐",
            "│Builder → Architect (10:25)           │",
            "│  word0 word1 word2 word3 word4 word5 │",
            "│  word6 word7 word8 word9 word10      │",
            "│  word11 word12 word13 word14 word15  │",
            "│  word16 word17 word18 word19 word20  │",
            "│  word21 word22 word23 word24 word25  │",
            "│  word26 word27 word28 word29 word30  │",
            "│  word31 word32 word33 word34 word35  │",
            "│  word36 word37 word38 word39 word40  │",
            "└──────────────────────────────────────┘",
            " ⚑ 1 the plan awaits app… k/j/PgUp/PgDn…",
        ])
        ui.reader?.top = 3
        let scrolled = Frame.render(Fixture.snapshot(messages: all), ui, keymap: try Keymap(), width: 40, height: 12).lines
        XCTAssertEqual(scrolled[0], "┌ message · PLAN.md line 9 · rows 4–12…┐")
        XCTAssertEqual(scrolled[1], "│  word11 word12 word13 word14 word15  │")
        ui.reader?.top = 10_000
        let end = Frame.render(Fixture.snapshot(messages: all), ui, keymap: try Keymap(), width: 40, height: 12).lines
        XCTAssertEqual(end[9], "│  word597 word598 word599             │", "no further than the last page")
        ui.reader = MessageReader(line: 7)
        XCTAssertTrue(try Frame.render(Fixture.snapshot(messages: all), ui, keymap: try Keymap(), width: 80, height: 24).lines[1]
            .contains("the message at PLAN.md line 7 is no longer there"))
    }
}
