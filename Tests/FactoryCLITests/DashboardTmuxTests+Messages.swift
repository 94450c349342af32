import Foundation
import XCTest

/// The messages pane in a real terminal: messages from `factory say`, read whole, held
/// still, searched.
extension DashboardTmuxTests {
    /// The demo at its approval gate with the messages pane focused; and its PLAN.md.
    func openMessages(width: Int = 120, height: Int = 40) throws -> (TmuxSession, String) {
        let dir = root + "/demo"
        let t = try open(["demo", "--keep", dir], width: width, height: height)
        try t.waitFor("the dashboard at the approval gate") { $0.contains("┌ messages") && $0.contains("plan awaits you") }
        try t.send("Tab")
        try t.send("Tab")
        try t.waitFor("the messages pane focused") { $0.contains("Enter read") }
        return (t, dir + "/.agent-comms/PLAN.md")
    }

    func say(_ plan: String, _ text: String) throws {
        let said = try factory(["say", "--file", plan, "--from", "builder", "--to", "architect", text])
        XCTAssertEqual(said.status, 0, said.summary)
    }

    /// The messages pane's rows (the right-hand box) of a screen.
    func messageRows(_ screen: String) -> [String] {
        lines(screen).dropFirst(3).map { line in
            let parts = line.components(separatedBy: "│")
            return parts.count >= 3 ? parts[parts.count - 2] : ""
        }
    }

    func testALongMessageIsReadFromItsFirstWords() throws {
        let (t, plan) = try openMessages()
        let body = "FIRSTWORDS of a long one " + (0..<1100).map { "w\($0)" }.joined(separator: " ") + " LASTWORDS"
        XCTAssertGreaterThan(body.count, 5_000)
        try say(plan, body)
        let following = try t.waitFor("the long message's end") { $0.contains("LASTWORDS") }
        XCTAssertFalse(following.contains("FIRSTWORDS"), "following shows its end")
        try t.send("Enter")
        let reader = try t.waitFor("the reader") { $0.contains("┌ message · PLAN.md line") }
        XCTAssertTrue(reader.contains("FIRSTWORDS of a long one w0 w1"), reader)
        try t.send("PageDown")
        try t.waitFor("the reader a page on") { !$0.contains("FIRSTWORDS") && $0.contains("┌ message · PLAN.md line") }
        try t.send("Escape")
        try t.waitFor("the reader closed") { !$0.contains("┌ message · PLAN.md line") && $0.contains("┌ messages") }
        // In the pane itself: back by rows to its first line.
        for _ in 0..<4 { try t.send("PageUp") }
        try t.waitFor("the first words in the pane") { $0.contains("FIRSTWORDS") && $0.contains("paused") }
    }

    func testAHeldViewStaysStillWhileMessagesArrive() throws {
        let (t, plan) = try openMessages()
        try t.send("f")
        let held = try t.waitFor("the pane held") { $0.contains("· paused ") }
        for i in 0..<20 { try say(plan, "arrived number \(i)") }
        let after = try t.waitFor("twenty counted", timeout: 20) { $0.contains("· paused, 20 new ") }
        XCTAssertEqual(messageRows(after), messageRows(held), "the rows shown did not move:\n\(after)")
        XCTAssertFalse(after.contains("arrived number"), after)
        try t.send("f")
        try t.waitFor("following again") { $0.contains("arrived number 19") && $0.contains("· follow ") }
    }

    func testSearchCountsAndNMovesBetweenMatches() throws {
        let (t, plan) = try openMessages()
        try say(plan, "first needle here")
        try say(plan, "nothing to see")
        try say(plan, "second needle there")
        try t.waitFor("the messages") { $0.contains("second needle there") }
        try t.answer("/", prompt: "Search messages:", with: "needle")
        let found = try t.waitFor("the count") { $0.contains("\"needle\" 2 found") }
        XCTAssertFalse(found.contains("nothing to see"), "the search shows what it found")
        XCTAssertTrue(found.contains("n/N next/previous match"), found)
        try t.send("n")
        try t.waitFor("the first match") { $0.contains("\"needle\" 1/2") && $0.contains("went round to the first match") }
        try t.send("n")
        let second = try t.waitFor("the second match") { $0.contains("\"needle\" 2/2") }
        XCTAssertFalse(second.contains("Deny"), "n moved, it did not deny")
        try t.send("Escape")
        // The view stays on the message it showed; G follows the newest again.
        try t.waitFor("the search cleared") { !$0.contains("\"needle\"") && $0.contains("second needle there") }
        try t.send("G")
        try t.waitFor("every message again") { $0.contains("nothing to see") && $0.contains("· follow ") }
    }
}

extension DashboardTmuxTests {
    /// A mouse report as xterm's SGR encoding writes it (1-based cells): button 0 is a
    /// left press, 64 the wheel up, 65 down.
    func mouse(_ t: TmuxSession, button: Int, x: Int, y: Int) throws {
        _ = try t.tmux(["send-keys", "-t", "t", "-H"] + "\u{1B}[<\(button);\(x);\(y)M".utf8.map { String($0, radix: 16) })
    }
}

extension TmuxSession {
    /// Opens a prompt with `key`, waits for its label, types `text` and presses Enter.
    func answer(_ key: String, prompt label: String, with text: String) throws {
        try send(key)
        try waitFor("the prompt \(label)") { $0.contains(label) }
        try send("-l", text)
        try send("Enter")
    }
}

/// The mouse in a real terminal (reports as xterm's SGR encoding, which ncurses asks for).
extension DashboardTmuxTests {
    func testAClickSelectsAnAgentRow() throws {
        let dir = root + "/demo"
        let t = try open(["demo", "--keep", dir], width: 120, height: 40)
        let screen = try t.waitFor("the approval gate") { $0.contains("plan awaits you") }
        XCTAssertEqual(try t.display("#{mouse_any_flag}"), "1", "the dashboard asks for the mouse")
        let row = try XCTUnwrap(lines(screen).firstIndex { $0.hasPrefix("│tester ") })
        try mouse(t, button: 0, x: 4, y: row + 1)
        try t.send("Enter")
        try t.waitFor("the tester's detail") { $0.contains("┌ tester ·") }

        // The wheel over the messages pane: it takes the focus and scrolls back.
        for i in 0..<30 { try say(dir + "/.agent-comms/PLAN.md", "wheel message \(i)") }
        try t.waitFor("the messages") { $0.contains("wheel message 29") }
        try mouse(t, button: 64, x: 100, y: 20)
        try t.waitFor("the pane scrolled back") { $0.contains("· paused ") && !$0.contains("wheel message 29") && $0.contains("Enter read") }
        try t.send("q")
        XCTAssertEqual(try t.waitForExit().status, 0)

        let off = try open(["demo", "--no-mouse"], width: 120, height: 40)
        try off.waitFor("the approval gate") { $0.contains("plan awaits you") }
        XCTAssertEqual(try off.display("#{mouse_any_flag}"), "0", "--no-mouse leaves the mouse to the terminal")
    }
}
