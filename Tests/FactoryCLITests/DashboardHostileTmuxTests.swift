import Foundation
import XCTest

/// The whole hostile corpus (Tests/Fixtures/hostile) in a real terminal: in the feature, the
/// task table, the message log, an agent's log and an agent's branch, shown in every pane and
/// view. The terminal obeys none of it: its title, clipboard, modes and colours stay as the
/// dashboard set them, and every frame stays inside its size and boxes.
extension DashboardTmuxTests {
    func testTheHostileCorpusInEveryPaneAndViewLeavesTheTerminalAlone() throws {
        let corpus = HostileCorpusCLITests.corpus
        XCTAssertGreaterThanOrEqual(corpus.count, 20)
        let repo = try makeSimRepo()
        let shown = { (bytes: [UInt8]) in String(decoding: bytes.filter { $0 != 0 }, as: UTF8.self) }
        let feature = ["osc0-title", "sgr-colour", "bidi-controls", "decset-modes"].compactMap { name in corpus.first { $0.name == name } }
            .map { shown($0.bytes) }.joined(separator: " ")
        try ok("start", feature, cwd: repo)
        let (w, h) = (160, 50)
        let t = try open([], width: w, height: h, extraEnvironment: ["FACTORY_SIM_PAUSE": "0.05"], cwd: repo)
        // OSC 52 would reach tmux's buffers, were it obeyed.
        try t.tmux(["set-option", "-s", "set-clipboard", "on"])
        _ = try t.waitFor("the approval gate", timeout: 20) { $0.contains("plan awaits you") && $0.contains("┌ agents") }
        let modes = "#{pane_title}|#{alternate_on}|#{cursor_flag}|#{origin_flag}|#{wrap_flag}|#{insert_flag}|#{keypad_flag}|#{keypad_cursor_flag}|#{mouse_any_flag}|#{mouse_sgr_flag}"
        let baseline = try t.display(modes)

        // Messages and the architect's log take the raw bytes; tasks and the branch, text.
        let plan = repo + "/.agent-comms/PLAN.md", log = repo + "/.agent-comms/logs/architect.log"
        var messages: [UInt8] = [], logLines: [UInt8] = []
        for (i, entry) in corpus.enumerated() {
            messages += Array("\n### Builder → Architect (11:\(10 + i))\n\n\(entry.name): ".utf8) + entry.bytes + [0x0A]
            logLines += Array("\(entry.name): ".utf8) + entry.bytes + [0x0A]
            try ok("task", "add", "--file", plan, "--agent", "builder", "\(entry.name) " + shown(entry.bytes))
        }
        try append(messages, to: plan)
        try append(logLines, to: log)
        let builder = repo + "/worktrees/builder"
        try Data(logLines).write(to: URL(fileURLWithPath: builder + "/hostile.txt"))
        _ = try git(in: builder, ["add", "hostile.txt"])
        _ = try git(in: builder, ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "Hostile \u{1B}]0;PWNED-COMMIT\u{07}"])

        var screens = 0
        func check(_ what: String, _ screen: String) throws {
            assertSane(screen, width: w, height: h, context: what)
            XCTAssertEqual(try t.display(modes), baseline, "\(what): title, cursor and terminal modes as the dashboard set them")
            XCTAssertEqual(try t.tmux(["list-buffers"]), "", "\(what): nothing reached the clipboard")
            // The colours the text asks for, among the attributes tmux holds for the cells.
            let attributes = sgrSequences(try t.capture(escapes: true)).map { $0.joined(separator: ";") }
            for colour in ["38;5;196", "48;2;255;0;0"] {
                XCTAssertFalse(attributes.contains { $0.contains(colour) }, "\(what): the text's colour \(colour) was obeyed")
            }
            for marker in ["PWNED", "^["] where !screen.contains(marker) && what != "the diff view" {
                XCTFail("\(what): the hostile text is shown, escapes visible (\(marker)):\n\(screen)")
            }
            screens += 1
        }
        try check("the panes", try t.waitFor("the corpus in the panes") { $0.contains("zero-width: ") && $0.contains("PWNED-TITLE") })
        try t.send("Tab")
        try t.send("Tab")
        try t.send("Enter")
        try check("the message reader", try t.waitFor("the reader") { $0.contains("zero-width: ") && !$0.contains("┌ agents") })
        try t.send("Escape")
        _ = try t.waitFor("the panes again") { $0.contains("┌ agents") }
        try t.send("p")
        try check("the plan view", try t.waitFor("the plan view") { $0.contains("┌ plan · ") })
        try t.send("Escape")
        _ = try t.waitFor("the panes again") { $0.contains("┌ agents") }
        try t.send("Tab")
        try t.send("Enter")
        try check("the architect's detail", try t.waitFor("the detail with the log") { $0.contains("┌ architect") && $0.contains("osc0-title: ") })
        try t.send("Escape")
        try t.send("j")
        try t.send("d")
        try check("the diff view", try t.waitFor("the builder's diff") { $0.contains("┌ diff · builder") && $0.contains("+osc0-title: ") })
        try t.send("q")
        _ = try t.waitFor("the panes again") { $0.contains("┌ agents") }
        XCTAssertEqual(screens, 5)
        try t.send("q")
        let exit = try t.waitForExit()
        XCTAssertEqual(exit.status, 0, exit.screen)
        try assertRestored(t, exit.screen)
    }

    private func append(_ bytes: [UInt8], to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(bytes))
    }
}
