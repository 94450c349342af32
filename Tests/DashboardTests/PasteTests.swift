@testable import Dashboard
import XCTest

/// Pastes are found in the key stream, kept whole as text, and bursts are told from typing.
final class PasteTests: XCTestCase {
    func keys(_ text: String) -> [Key] { text.unicodeScalars.map { .char(Character($0)) } }

    func testABracketedPasteIsOneInputAmongKeys() {
        var reader = PasteReader()
        let inputs = reader.read(keys("j\u{1B}[200~approve all\u{1B}[201~k"))
        XCTAssertEqual(inputs, [.key(.char("j")), .paste("approve all"), .key(.char("k"))])
        XCTAssertFalse(reader.isPasting)
    }

    func testAPasteSpanningReadsStaysTextEvenWithMarkersCut() {
        var reader = PasteReader()
        XCTAssertEqual(reader.read(keys("\u{1B}[200~appro")), [])
        XCTAssertTrue(reader.isPasting)
        XCTAssertEqual(reader.read(keys("ve\u{1B}[2")), [], "a partial end marker inside a paste waits for the rest")
        XCTAssertEqual(reader.read(keys("01~a")), [.paste("approve"), .key(.char("a"))])
    }

    func testEscapeAndLookalikesAreKeys() {
        var reader = PasteReader()
        XCTAssertEqual(reader.read(keys("\u{1B}")), [.key(.char("\u{1B}"))], "Esc alone is the cancel key")
        XCTAssertEqual(reader.read(keys("\u{1B}[20x")), keys("\u{1B}[20x").map(Input.key))
        XCTAssertEqual(reader.read(keys("\u{1B}\u{1B}[200~x\u{1B}[201~")), [.key(.char("\u{1B}")), .paste("x")])
    }

    func testAPasteWithoutItsEndIsFinishedAsText() {
        var reader = PasteReader()
        XCTAssertEqual(reader.read(keys("\u{1B}[200~kill\u{1B}[20")), [])
        XCTAssertEqual(reader.finish(), [.paste("kill\u{1B}[20")])
        XCTAssertFalse(reader.isPasting)
        XCTAssertEqual(reader.finish(), [])
    }

    func testKeyCodesInsideAPasteAreDropped() {
        var reader = PasteReader()
        let inputs = reader.read(keys("\u{1B}[200~a") + [.code(Keymap.keyUp)] + keys("b\u{1B}[201~"))
        XCTAssertEqual(inputs, [.paste("ab")])
    }

    func testBurstsAreSeveralKeysInOneReadOrRightAfter() {
        var rule = BurstRule()
        XCTAssertFalse(rule.isBurst(keys: 1, at: 10.000), "one typed key")
        XCTAssertFalse(rule.isBurst(keys: 1, at: 10.005), "single keys never make a burst, however fast")
        XCTAssertTrue(rule.isBurst(keys: 5, at: 11.000))
        XCTAssertTrue(rule.isBurst(keys: 1, at: 11.004), "the rest of a split burst")
        XCTAssertTrue(rule.isBurst(keys: 1, at: 11.008), "measured from the burst, not extended by it")
        XCTAssertFalse(rule.isBurst(keys: 1, at: 11.011))
        XCTAssertFalse(rule.isBurst(keys: 1, at: 11.060), "the next typed key")
    }

    func testOnlyActionsThatChangeTheWorkAreGuarded() {
        XCTAssertEqual(KeyAction.allCases.filter(\.changesWork), [.approve, .reject, .message, .spawn, .kill, .restart, .resume, .startFeature, .merge, .allow, .deny, .allowAlways])
    }

    func testPastedLineBreaksStayInAMessageAndBecomeSpacesElsewhere() {
        var message = Prompt(kind: .message(to: "builder"), text: "note: ")
        message.insert(pasted: "one\r\ntwo\rthree\nfour\tfive\u{1B}[2J\u{9B}")
        XCTAssertEqual(message.text, "note: one\ntwo\nthree\nfour five[2J")
        XCTAssertEqual(message.shownText, "note: one⏎two⏎three⏎four five[2J")

        var reason = Prompt(kind: .reject)
        reason.insert(pasted: "cover\r\nthe errors\n")
        XCTAssertEqual(reason.text, "cover the errors ")
    }

    func testThePromptShowsTheEndOfItsTextAndWhyItWasNotSent() {
        var prompt = Prompt(kind: .message(to: "architect"), text: String(repeating: "x", count: 200) + "\nlast words")
        prompt.error = "PLAN.md is locked"
        var canvas = Canvas(width: 80, height: 1)
        StatusBar.drawPrompt(prompt, in: Rect(x: 0, y: 0, width: 80, height: 1), on: &canvas)
        let line = canvas.lines[0]
        XCTAssertTrue(line.hasPrefix("Message to architect: …"), line)
        XCTAssertTrue(line.contains("⏎last words▏"), "the cursor end is in view: \(line)")
        XCTAssertTrue(line.contains("not sent: PLAN.md is locked"), line)
    }
}
