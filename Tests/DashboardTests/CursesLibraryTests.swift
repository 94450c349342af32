import Dashboard
import TextWidth
import XCTest

final class CursesLibraryTests: XCTestCase {
    func testLinkedAgainstWideNcurses() {
        XCTAssertTrue(CursesLibrary.version.hasPrefix("ncurses"), CursesLibrary.version)
        XCTAssertTrue(CursesLibrary.hasWideCharacters)
    }

    /// Widths follow glibc's wcwidth (what ncurses draws with), whatever the process locale.
    func testTextWidthFollowsTheTerminal() {
        XCTAssertEqual(TextWidth.columns(of: "abc"), 3)
        XCTAssertEqual(TextWidth.columns(of: "🔄 WIP"), 6)
        XCTAssertEqual(TextWidth.columns(of: "日本"), 4)
        XCTAssertEqual(TextWidth.columns(of: "→●█─"), 4)
        XCTAssertEqual(TextWidth.columns(of: "e\u{301}"), 1, "combining mark has no width")
        XCTAssertEqual(TextWidth.columns(of: "⚠\u{FE0F}"), 1, "variation selector has no width")
        XCTAssertEqual(TextWidth.columns(of: "\u{1B}[2J"), 3, "ESC has no width; the rest is text")
    }
}
