@testable import Dashboard
import FactoryEngine
import PlanDocument
import TextWidth
import XCTest

/// Panes drawn into an in-memory canvas, no terminal: sizes, wide characters at edges,
/// hostile text.
final class RenderTests: XCTestCase {
    func snapshot(messages: [PlanMessage] = [], phase: Phase = .awaitingApproval) -> Snapshot {
        Fixture.snapshot(messages: messages, phase: phase)
    }

    func message(_ body: String, from: String = "Builder", line: Int = 1) -> PlanMessage {
        Fixture.message(body, from: from, line: line)
    }

    func render(_ snap: Snapshot, _ ui: UIState = UIState(), _ w: Int, _ h: Int) throws -> Canvas {
        Frame.render(snap, ui, keymap: try Keymap(), width: w, height: h)
    }

    /// No row is wider than the canvas, in display columns.
    func assertFits(_ canvas: Canvas, file: StaticString = #filePath, line: UInt = #line) {
        for (y, row) in canvas.lines.enumerated() {
            XCTAssertLessThanOrEqual(TextWidth.columns(of: row), canvas.width, "row \(y): \(row)", file: file, line: line)
        }
    }

    func testFullLayoutAtSeveralSizes() throws {
        for (w, h) in [(120, 40), (80, 24), (60, 16), (200, 60)] {
            let canvas = try render(snapshot(messages: [message("hello")]), UIState(), w, h)
            let text = canvas.lines.joined(separator: "\n")
            XCTAssertTrue(text.contains("┌ agents"), "\(w)×\(h)")
            XCTAssertTrue(text.contains("┌ messages 1"), "\(w)×\(h)")
            XCTAssertTrue(text.contains("┌ tasks"), "\(w)×\(h)")
            XCTAssertTrue(text.contains("plan awaits you: [a] approve"), "\(w)×\(h)")
            XCTAssertTrue(canvas.lines[h - 1].contains("⚑ 1"), "the status bar counts what needs attention")
            assertFits(canvas)
        }
    }

    func testSmallTerminalsGetOnePaneOrANotice() throws {
        let single = try render(snapshot(), UIState(), 50, 14).lines.joined(separator: "\n")
        XCTAssertTrue(single.contains("┌ agents"))
        XCTAssertFalse(single.contains("┌ messages"), "one pane at a time")
        var ui = UIState()
        ui.focus = .messages
        XCTAssertTrue(try render(snapshot(), ui, 50, 14).lines.joined().contains("┌ messages"))
        let tiny = try render(snapshot(), UIState(), 30, 8)
        XCTAssertTrue(tiny.lines.joined().contains("terminal too small"))
        assertFits(tiny)
        XCTAssertEqual(try render(snapshot(), UIState(), 0, 0).lines, [])
        assertFits(try render(snapshot(), UIState(), 1, 1))
    }

    func testHostileTextIsShownNotExecuted() throws {
        let hostile = "title \u{1B}]2;PWNED\u{07} clear \u{1B}[2J bidi \u{202E}drow\u{202C} del \u{7F} c1 \u{85}"
        let canvas = try render(snapshot(messages: [message(hostile, from: "Evil\u{1B}[31m")]), UIState(), 160, 30)
        let text = canvas.lines.joined(separator: "\n")
        let leaked = text.unicodeScalars.filter { ($0.value < 0x20 && $0.value != 0x0A) || ($0.value >= 0x7F && $0.value <= 0x9F) || (0x202A...0x202E).contains($0.value) }
        XCTAssertEqual(leaked.map(\.value), [], "nothing that acts on a terminal reaches the canvas")
        XCTAssertTrue(text.contains("^[]2;PWNED^G"), text)
        XCTAssertTrue(text.contains("^[[2J"))
        XCTAssertTrue(text.contains("<U+202E>"))
        XCTAssertTrue(text.contains("^?"))
        XCTAssertTrue(text.contains("U+0085>"), "(the long line wraps inside the escape)")
        XCTAssertTrue(text.contains("Evil^[[31m"))
        let escapes = canvas.cells.filter { $0.role == .escape }
        XCTAssertFalse(escapes.isEmpty, "escapes get their own role")
    }

    func testWideCharactersAreNeverSplitAtAnEdge() {
        var canvas = Canvas(width: 10, height: 1)
        canvas.draw(Glyphs.of("日本語日本語"), x: 0, y: 0, limit: 5, role: .text)
        XCTAssertEqual(canvas.line(0), "日本      ", "the third wide glyph would cross column 5: a blank instead")
        XCTAssertFalse(canvas[4, 0].continuation)
        // Overwriting half of a wide glyph blanks the other half.
        canvas.draw(Glyphs.of("x"), x: 1, y: 0, limit: 10, role: .text)
        XCTAssertEqual(canvas.line(0), " x本      ")
        canvas.draw(Glyphs.of("y"), x: 2, y: 0, limit: 10, role: .text)
        XCTAssertEqual(canvas.line(0), " xy       ")
        // Text cut at the edge ends with an ellipsis, in columns.
        var fitted = Canvas(width: 8, height: 1)
        fitted.text("🔄 working hard", x: 0, y: 0, limit: 8, role: .text)
        XCTAssertEqual(fitted.line(0), "🔄 work…")
        XCTAssertEqual(TextWidth.columns(of: fitted.line(0)), 8)
    }

    func testZWJSequencesKeepColumnsAligned() {
        let glyphs = Glyphs.of("👨‍👩‍👧x")
        XCTAssertEqual(Glyphs.width(glyphs), 3, "a family is drawn as one emoji")
        XCTAssertEqual(Glyphs.of("e\u{301}").count, 1, "a combining mark rides on its base")
        XCTAssertEqual(Glyphs.width(Glyphs.of("a\tb")), 3, "a tab is one space")
    }

    func testMessagesFollowTheNewestAndScrollBack() throws {
        let messages = (0..<50).map { message("message number \($0)", line: $0 * 4) }
        let following = try render(snapshot(messages: messages), UIState(), 100, 20).lines.joined(separator: "\n")
        XCTAssertTrue(following.contains("message number 49"))
        XCTAssertFalse(following.contains("message number 10"))
        var ui = UIState()
        ui.messageScroll.hold(at: MessagePlace(line: 9 * 4), messageCount: 50)
        let back = try render(snapshot(messages: messages), ui, 100, 20).lines.joined(separator: "\n")
        XCTAssertTrue(back.contains("message number 9"))
        XCTAssertFalse(back.contains("message number 49"))
        ui = UIState()
        ui.roleFilter = "tester"
        XCTAssertFalse(try render(snapshot(messages: messages), ui, 100, 20).lines.joined().contains("message number"))
        ui = UIState()
        ui.search = "number 7"
        let found = try render(snapshot(messages: messages), ui, 100, 20).lines.joined(separator: "\n")
        XCTAssertTrue(found.contains("message number 7") && !found.contains("message number 49"))
    }

    func testHelpOverlayListsEveryKey() throws {
        var ui = UIState()
        ui.showHelp = true
        let text = try render(snapshot(), ui, 100, 40).lines.joined(separator: "\n")
        for expected in ["approve the plan", "reject the plan", "message a role", "spawn the selected agent", "next theme", "quit"] {
            XCTAssertTrue(text.contains(expected), expected)
        }
    }

    func testAFrameOf100000MessagesDrawsOnlyWhatShows() throws {
        let messages = (0..<100_000).map { message("message \($0) with a body long enough to wrap once or twice in a narrow pane") }
        let snap = snapshot(messages: messages)
        let keymap = try Keymap()
        let start = DispatchTime.now().uptimeNanoseconds
        var canvas = Canvas(width: 0, height: 0)
        for _ in 0..<20 { canvas = Frame.render(snap, UIState(), keymap: keymap, width: 120, height: 40) }
        let perFrame = Double(DispatchTime.now().uptimeNanoseconds - start) / 20 / 1e6
        XCTAssertTrue(canvas.lines.joined().contains("message 99999"))
        // A loose bound for a debug build on a shared machine; the release benchmark has the real target.
        XCTAssertLessThan(perFrame, 50, "a frame took \(perFrame) ms")
    }

    func testKeymapOverrides() throws {
        let map = try Keymap(overrides: "# mine\napprove = A\nquit = Q\n")
        XCTAssertEqual(map.action(for: .char("A")), .approve)
        XCTAssertNil(map.action(for: .char("a")), "the old key is freed")
        XCTAssertEqual(map.action(for: .char("Q")), .quit)
        XCTAssertThrowsError(try Keymap(overrides: "fly = z"))
        XCTAssertThrowsError(try Keymap(overrides: "approve = Ctrl-Alt-Del"))
    }
}

extension RenderTests {
    func testSeveralTaskTablesShowTheirSections() throws {
        let text = """
        ## Phase 1

        | ID | Status | Agent |
        |----|--------|-------|
        | A1 | done | builder |

        ## Phase 2

        | ID | Status | Agent |
        |----|--------|-------|
        | B1 | blocked | tester |
        """
        var snap = snapshot()
        snap.plan = PlanDocument(text).view
        let lines = try render(snap, UIState(), 120, 40).lines
        let phase1 = lines.firstIndex { $0.contains("│Phase 1") }, a1 = lines.firstIndex { $0.contains("│A1") }
        let phase2 = lines.firstIndex { $0.contains("│Phase 2") }, b1 = lines.firstIndex { $0.contains("│B1") }
        XCTAssertNotNil(phase1)
        XCTAssertTrue((phase1 ?? 99) < (a1 ?? 0) && (a1 ?? 99) < (phase2 ?? 0) && (phase2 ?? 99) < (b1 ?? 0), lines.joined(separator: "\n"))
        // One table: no section rows.
        XCTAssertFalse(try render(snapshot(), UIState(), 120, 40).lines.contains { $0.contains("│Active Tasks") })
    }
}
