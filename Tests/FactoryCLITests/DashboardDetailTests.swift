import Foundation
import XCTest

/// The agent detail in a real terminal, live: a simulated agent streams numbered lines.
extension DashboardTmuxTests {
    /// New lines appear as the agent writes them; PgUp holds the view while lines keep
    /// arriving (the note counts them); G follows again; a restart puts a rule between the
    /// attempts.
    func testTheDetailFollowsAnAgentLiveAndHoldsWhenScrolledBack() throws {
        let repo = try makeSimRepo()
        try ok("start", "Stream", cwd: repo)
        defer { _ = try? factory(["kill", "architect"], cwd: repo) }
        let t = try open([], width: 120, height: 40, extraEnvironment: ["FACTORY_SIM_FAULT": "architect:stream", "FACTORY_SIM_PAUSE": "0.05"], cwd: repo)
        try t.waitFor("the architect at work") { $0.contains("architect running") }
        try t.send("Enter")
        let opened = try t.waitFor("streamed lines in the detail") { $0.contains("┌ architect · follow") && newestDetailLine($0) >= 3 }
        let start = newestDetailLine(opened)
        // Enough lines for a page to scroll back through.
        try t.waitFor("newer lines, as they are written", timeout: 15) { newestDetailLine($0) >= max(start + 5, 45) }

        try t.send("PPage")
        let held = try t.waitFor("the view held") { $0.contains("┌ architect · paused") }
        let rows = detailLines(held)
        XCTAssertFalse(rows.isEmpty, held)
        let moreArrived = try t.waitFor("new lines counted while held") { heldNewLines($0) >= 10 }
        XCTAssertEqual(detailLines(moreArrived), rows, "what is being read does not move:\n\(held)\n---\n\(moreArrived)")

        try t.send("G")
        let heldNewest = newestDetailLine(moreArrived) + heldNewLines(moreArrived)
        try t.waitFor("following again, newest line shown") { $0.contains("┌ architect · follow") && newestDetailLine($0) > heldNewest }

        try t.press("R")
        try t.waitFor("the second attempt's lines under its rule", timeout: 20) { s in
            let rows = detailLines(s)
            guard let rule = rows.firstIndex(where: { $0.hasPrefix("── attempt 2 · planning · started ") }) else { return false }
            return rows[(rule + 1)...].contains { $0.hasPrefix("[architect] line ") }
        }
        try t.send("q")
        XCTAssertEqual(try t.waitForExit().status, 0)
    }
}

/// The detail pane's rows (the lower left at 120×40), without their borders.
private func detailLines(_ screen: String) -> [String] {
    lines(screen).dropFirst(11).prefix(27).map { row in
        String(row.prefix(66).dropFirst().prefix(64)).trimmingCharacters(in: .whitespaces)
    }
}

/// The highest `[architect] line N` in the detail; 0 when none.
private func newestDetailLine(_ screen: String) -> Int {
    detailLines(screen).compactMap { row in
        row.hasPrefix("[architect] line ") ? Int(row.dropFirst("[architect] line ".count)) : nil
    }.max() ?? 0
}

/// N of the held view's `N new lines` note; 0 without one.
private func heldNewLines(_ screen: String) -> Int {
    guard let note = lines(screen).first(where: { $0.contains(" new line") && $0.hasPrefix("└─ ") }) else { return 0 }
    return Int(note.dropFirst(3).prefix { $0.isNumber }) ?? 0
}
