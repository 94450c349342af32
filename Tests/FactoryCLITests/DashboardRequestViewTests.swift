import Foundation
import XCTest

/// The request view in a real terminal: an agent asks to run a command whose tail lies past
/// column 200, which no line of the main view can show; `v` opens the view and the tail is
/// on screen, and the answer keys work from there.
extension DashboardTmuxTests {
    func testTheRequestViewShowsTheTailOfALongCommand() throws {
        let tail = "&& touch /tmp/PWNED"
        let command = "echo " + String(repeating: "a", count: 200) + " \u{1B}]2;owned\u{07} " + tail + "\nrm -rf ~"
        let repo = try makeSimRepo()
        try NotifyCLITests.askingBuilder.write(toFile: repo + "/agents/builder.md", atomically: true, encoding: .utf8)
        try ok("start", "Greet", cwd: repo)
        defer { _ = try? factory(["kill", "builder"], cwd: repo) }
        let t = try open([], width: 100, height: 30, extraEnvironment: ["FACTORY_SIM_ASK": "builder", "FACTORY_SIM_ASK_COMMAND": command], cwd: repo)
        let title = try t.display("#{pane_title}")
        try t.waitFor("the plan to await approval", timeout: 30) { $0.contains("awaits approval") }
        try t.press("a")
        let asking = try t.waitFor("the builder's request", timeout: 30) { $0.contains("builder asks to run Bash: echo aaa") }
        XCTAssertFalse(asking.contains("PWNED"), "the main view cannot show the tail:\n\(asking)")
        XCTAssertTrue(lines(asking)[29].contains("v read whole · y/A/n answer"), "the status bar says where to read it:\n\(asking)")

        try t.send("v")
        let view = try t.waitFor("the request view") { $0.contains("┌ builder asks to run Bash ") && $0.contains("touch /tmp/PWNED") }
        let rows = lines(view)
        XCTAssertTrue(rows.contains { $0.hasPrefix("│1 │ echo") }, view)
        XCTAssertTrue(rows.contains { $0.contains("^[]2;owned^G && touch /tmp/PWNED") }, "the escape is shown, never obeyed:\n\(view)")
        XCTAssertTrue(rows.contains { $0.hasPrefix("│2 │ rm -rf ~") }, "the second command has its own line:\n\(view)")
        XCTAssertTrue(view.contains("always (A) adds no rule"), view)
        XCTAssertTrue(rows[29].contains(" y allow · A always · n deny · Esc/q close"), view)
        XCTAssertFalse(view.contains("┌ agents"), "the view takes the panes' place:\n\(view)")
        assertSane(view, width: 100, height: 30)
        XCTAssertEqual(try t.display("#{pane_title}"), title, "the pane title is unchanged")

        // Denied from the view: the reason's prompt, then the view closes with the request.
        try t.press("n")
        try t.waitFor("the reason's prompt") { $0.contains("Deny builder's request; why") }
        try t.send("not that")
        try t.send("Enter")
        try t.waitFor("the answer, and the panes again", timeout: 20) { $0.contains("denied builder: Bash: echo") && $0.contains("┌ agents") }
        try t.send("q")
        XCTAssertEqual(try t.waitForExit().status, 0)
    }
}
