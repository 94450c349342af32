import TextWidth
import XCTest

/// What whole-canvas render tests expect, row by row.

/// A whole `w`×`h` screen: the pipeline's box holding `pipeline`, a full view titled
/// `title` holding `rows` (blank below them), `bottom` in its lower border, and `status` in
/// the status bar. `title` as the box shows it: between blanks, or cut with `…` where it
/// does not fit.
func fullView(_ w: Int, _ h: Int, pipeline: String, title: String, rows: [String], bottom: String = "", status: String) -> [String] {
    let shownTitle = TextWidth.columns(of: title) + 2 <= w - 2 ? " \(title) " : title
    let cutStatus = TextWidth.columns(of: status) > w ? String(status.prefix(w - 1)) + "…" : status
    return [edge("┌", " factory ", "┐", w), pipeline, edge("└", "", "┘", w), edge("┌", shownTitle, "┐", w)]
        + (0..<(h - 6)).map { boxRow($0 < rows.count ? rows[$0] : "", w) }
        + [edge("└", bottom, "┘", w), padded(cutStatus, w)]
}

func edge(_ left: String, _ text: String, _ right: String, _ w: Int) -> String {
    left + text + String(repeating: "─", count: max(0, w - 2 - TextWidth.columns(of: text))) + right
}

func padded(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - TextWidth.columns(of: text))) }

/// A row inside a box `w` wide.
func boxRow(_ text: String, _ w: Int) -> String { "│" + padded(text, w - 2) + "│" }

func assertLines(_ actual: [String], _ expected: [String], file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "rows", file: file, line: line)
    for (i, (a, e)) in zip(actual, expected).enumerated() where a != e {
        XCTFail("row \(i):\n  got  \(a)\n  want \(e)", file: file, line: line)
    }
}

func assertInert(_ rows: [String], file: StaticString = #filePath, line: UInt = #line) {
    let leaked = rows.joined().unicodeScalars.filter { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || (0x202A...0x202E).contains($0.value) }
    XCTAssertEqual(leaked.map(\.value), [], "nothing that acts on a terminal reaches the canvas", file: file, line: line)
}
