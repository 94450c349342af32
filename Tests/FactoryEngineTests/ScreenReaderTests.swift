import FactoryEngine
import Foundation
import XCTest

/// The reader over a sequence of screens, time driven by the test: holds against flicker,
/// bounded so nothing sticks, staleness, hostile text and speed.
final class ScreenReaderTests: XCTestCase {
    private var claude: ScreenRules!
    private var prompt = "", working = "", idle = ""

    override func setUpWithError() throws {
        claude = try ScreenRules.load("claude", userDirectory: nil)
        prompt = try ScreenFixtureTests.fixture("claude", "permission").screen
        working = try ScreenFixtureTests.fixture("claude", "working").screen
        idle = try ScreenFixtureTests.fixture("claude", "idle").screen
    }

    /// The same number of blank rows as a real frame Claude Code cleared to redraw.
    private var blank: String { String(repeating: "\n", count: 30) }

    func testABlankFrameBetweenTwoPromptsDoesNotBounce() {
        var reader = ScreenReader(rules: claude)
        var states: [ScreenState] = []
        for (i, screen) in [prompt, blank, prompt, blank, prompt].enumerated() {
            states.append(reader.read(screen, now: 100 + Double(i) * 0.25).state)
        }
        XCTAssertEqual(states, Array(repeating: .waitingInput, count: 5))
        XCTAssertTrue(reader.read(blank, now: 101.25).held, "the blank frame reads as the prompt, held")
    }

    /// A hold counts from the rule's last match: once the prompt is gone for longer, the
    /// state goes (unknown on a screen no rule knows), so a prompt cannot stick.
    func testAHoldEndsSoAStateCannotStick() {
        var reader = ScreenReader(rules: claude)
        XCTAssertEqual(reader.read(prompt, now: 10).state, .waitingInput)
        XCTAssertEqual(reader.read(blank, now: 10.5).state, .waitingInput)
        let after = reader.read(blank, now: 10.7)
        XCTAssertEqual(after.state, .unknown)
        XCTAssertEqual(after.saw, "no rule matched")
    }

    /// A rule of higher priority replaces a held state at once; one of lower priority waits
    /// out the hold (after an answer, the prompt's state lingers 600 ms, not longer).
    func testHigherPriorityWinsAtOnceLowerWaitsOutTheHold() {
        var reader = ScreenReader(rules: claude)
        XCTAssertEqual(reader.read(working, now: 0).state, .working)
        XCTAssertEqual(reader.read(prompt, now: 0.1).state, .waitingInput, "the prompt does not wait for working's hold")
        XCTAssertEqual(reader.read(working, now: 0.4).state, .waitingInput)
        XCTAssertEqual(reader.read(working, now: 0.8).state, .working)
        XCTAssertEqual(reader.read(idle, now: 1.0).state, .working, "working holds a second against a moment of idle")
        XCTAssertEqual(reader.read(idle, now: 1.9).state, .idle)
    }

    /// `since` is when the prompt first showed, kept while it stays (held or not), so an
    /// answer can wait out the keys' `after`; another state starts again.
    func testSinceIsWhenThePromptFirstShowed() {
        var reader = ScreenReader(rules: claude)
        XCTAssertEqual(reader.read(working, now: 1).since, 1)
        XCTAssertEqual(reader.read(working, now: 1.5).since, 1)
        XCTAssertEqual(reader.read(prompt, now: 2).since, 2)
        XCTAssertEqual(reader.read(blank, now: 2.2).since, 2, "held")
        let later = reader.read(prompt, now: 2.5)
        XCTAssertEqual(later.since, 2)
        XCTAssertGreaterThanOrEqual(2.5 - (later.since ?? 0), later.keys?.after ?? 1, "the keys may go now")
        XCTAssertEqual(reader.read(idle, now: 4).since, 4)
        XCTAssertNil(reader.read(blank, now: 5).since)
    }

    func testAnOldScreenSaysNothingAboutNow() {
        var reader = ScreenReader(rules: claude)
        let old = reader.read(prompt, capturedAt: 50, now: 54)
        XCTAssertEqual(old.state, .unknown)
        XCTAssertEqual(old.saw, "the screen is 4.0 s old")
        XCTAssertEqual(reader.read(prompt, capturedAt: 53.5, now: 54).state, .waitingInput, "younger than stale_after_ms (3 s)")
        XCTAssertEqual(reader.current(now: 55).state, .waitingInput)
        let gone = reader.current(now: 57)
        XCTAssertEqual(gone.state, .unknown, "no fresh screen for longer than stale_after_ms")
        XCTAssertEqual(gone.saw, "no screen for 3.5 s")
    }

    func testHostileScreensDoNotBreakTheReader() throws {
        var reader = ScreenReader(rules: claude)
        let colored = prompt.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "\u{1B}[38;5;174m\($0)\u{1B}[0m\u{1B}]0;title\u{07}" }.joined(separator: "\r\n")
        XCTAssertEqual(reader.read(colored, now: 1).state, .waitingInput, "a capture taken with -e reads the same")
        let hostile = [
            String(repeating: "x", count: 1_000_000),
            String(repeating: "界😀e\u{301}\u{200B}", count: 50_000),
            String(repeating: "line\n", count: 20_000),
            "\u{0}\u{1B}\u{1B}[\u{1B}]\u{9B}\u{85}\u{7F}\r\r\n\u{FEFF}",
            String(repeating: "\u{1B}[", count: 10_000) + "Do you want to proceed?",
            "",
            "\n",
        ]
        for (i, screen) in hostile.enumerated() {
            XCTAssertEqual(reader.read(screen, now: 2 + Double(i)).state, .unknown, "screen \(i)")
        }
        let wide = prompt.replacingOccurrences(of: "rm -rf build", with: "rm -rf 構築フォルダ🗑️")
        XCTAssertEqual(reader.read(wide, now: 20).prompt, "rm -rf 構築フォルダ🗑️ && echo removed")
    }

    /// Reading is fast enough to poll many panes: 1,000 reads of a 50×200 screen.
    func testAThousandReadsOfAFullScreen() {
        let row = String(repeating: "The quick brown fox jumps over the lazy dog — 狐 ", count: 5).prefix(200)
        var rows = Array(repeating: String(row), count: 44)
        rows += ["✢ Leavening… (2s · ↓ 10 tokens)", String(repeating: "─", count: 200), "❯\u{A0}", String(repeating: "─", count: 200), "  ⏸ manual mode on · esc to interrupt", ""]
        let screen = rows.joined(separator: "\n")
        var reader = ScreenReader(rules: claude)
        let start = DispatchTime.now().uptimeNanoseconds
        for i in 0..<1_000 {
            XCTAssertEqual(reader.read(screen, now: Double(i) / 100).state, .working)
        }
        let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        print("ScreenReader: 1,000 reads of a 50×200 screen took \(String(format: "%.0f", ms)) ms (\(String(format: "%.0f", ms)) µs a read)")
        XCTAssertLessThan(ms, 10_000, "a read should take well under 10 ms")
    }
}
