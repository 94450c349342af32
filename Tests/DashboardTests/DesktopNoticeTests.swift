@testable import Dashboard
import FactoryEngine
import PlanDocument
import XCTest

/// Desktop notifications as the bytes the terminal reads: OSC 9 and OSC 777, plain and
/// wrapped for tmux, with text from outside made inert.
final class DesktopNoticeTests: XCTestCase {
    private func event(_ message: String, role: String? = "builder") -> NotifyEvent {
        let item = Attention(kind: .request, role: role, message: message, about: "r1")
        let snapshot = Snapshot(phase: .implementation, feature: "Greet", agents: [], attention: [item], tasks: TaskCounts(done: 0, total: 0),
                                blockedReason: nil, conflicts: [], plan: PlanDocument(bytes: []).view, time: 0)
        return NotifyEvent(item, in: snapshot, root: "/repo")
    }

    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    func testOSC9() {
        XCTAssertEqual(text(DesktopNotice.bytes(for: event("builder asks to run Bash: make"), style: .osc9, inTmux: false)),
                       "\u{1B}]9;factory: builder: builder asks to run Bash: make\u{07}")
    }

    func testOSC777() {
        XCTAssertEqual(text(DesktopNotice.bytes(for: event("a; b"), style: .osc777, inTmux: false)),
                       "\u{1B}]777;notify;factory: builder;a; b\u{07}")
        XCTAssertEqual(text(DesktopNotice.osc777(title: "x;y", body: "z")), "\u{1B}]777;notify;x,y;z\u{07}", "a title's ; would end it early")
    }

    func testOffIsNothing() {
        XCTAssertEqual(DesktopNotice.bytes(for: event("x"), style: .off, inTmux: true), [])
    }

    func testInsideTmuxEachEscapeIsDoubledInAPassthrough() {
        XCTAssertEqual(text(DesktopNotice.bytes(for: event("plan", role: nil), style: .osc9, inTmux: true)),
                       "\u{1B}Ptmux;\u{1B}\u{1B}]9;factory: plan\u{07}\u{1B}\\")
    }

    /// An agent's text cannot end the sequence, start another, or ring: its controls are shown.
    func testHostileTextIsMadeInert() {
        let hostile = "done\u{07}\u{1B}]2;PWNED\u{07}\u{1B}\\\u{9C}\u{1B}[2J\n\u{202E}end"
        for style in [DesktopNotification.osc9, .osc777] {
            for inTmux in [false, true] {
                let bytes = DesktopNotice.bytes(for: event(hostile, role: "b\u{1B}]0;x"), style: style, inTmux: inTmux)
                let escapes = bytes.filter { $0 == 0x1B }.count, bells = bytes.filter { $0 == 0x07 }.count
                XCTAssertEqual(escapes, inTmux ? 4 : 1, "only the sequence's own ESCs: \(text(bytes).debugDescription)")
                XCTAssertEqual(bells, 1, "only the sequence's own BEL")
                XCTAssertFalse(text(bytes).unicodeScalars.contains { $0.value == 0x9C || $0.value == 0x202E || $0.value == 0x0A })
                XCTAssertTrue(text(bytes).contains("done^G^[]2;PWNED^G^[\\<U+009C>^[[2J^J<U+202E>end"), text(bytes).debugDescription)
            }
        }
    }

    func testLongTextIsCut() {
        let bytes = DesktopNotice.osc9(String(repeating: "é", count: 1000))
        XCTAssertEqual(text(bytes).count, 2 + 2 + 240 + 1)
        XCTAssertTrue(text(bytes).hasSuffix("…\u{07}"))
    }
}
