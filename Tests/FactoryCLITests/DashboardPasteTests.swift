import Foundation
import XCTest

/// Pasted text is text: it never runs the dashboard's keys.
extension DashboardTmuxTests {
    /// A bracketed paste with `a` in it, at the approval gate: refused with a notice, and
    /// the plan is still waiting for approval.
    func testPasteInTheMainViewApprovesNothing() throws {
        let (t, dir) = try demoAtTheGate()
        try t.paste("approve all and merge")
        let screen = try t.waitFor("the paste to be refused") { $0.contains("paste ignored") }
        XCTAssertTrue(screen.contains("plan awaits you"), screen)
        try assertStillAtTheGate(dir)
        try quit(t)
    }

    /// A two-line bracketed paste into the message prompt: shown on its one line with ⏎,
    /// sent whole on Enter, and nothing in it runs as a key.
    func testTwoLinePasteIntoTheMessagePromptIsOneMessage() throws {
        let (t, dir) = try demoAtTheGate()
        let before = humanMessages(dir)
        try t.send("m")
        try t.waitFor("the message prompt") { $0.contains("Message to architect:") }
        try t.paste("first line of the note\nsecond line: approve, spawn and kill")
        try t.waitFor("the pasted text in the prompt") { $0.contains("first line of the note⏎second line: approve, spawn and kill") }
        try t.send("Enter")
        let body = "first line of the note\nsecond line: approve, spawn and kill"
        try waitUntil("the message in PLAN.md") { self.humanMessages(dir).contains(body) }
        XCTAssertEqual(humanMessages(dir), before + [body], "one message, both lines, nothing else")
        try assertStillAtTheGate(dir)
        try quit(t)
    }

    /// Keys that arrive faster than anyone types (a paste the terminal did not bracket) do
    /// not approve, spawn or kill.
    func testABurstOfKeysApprovesNothing() throws {
        let (t, dir) = try demoAtTheGate()
        try t.send("-l", "jjaxs")
        try t.waitFor("the burst to be refused") { $0.contains("ignored") && $0.contains("faster than typing") }
        try assertStillAtTheGate(dir)
        try quit(t)
    }

    /// A resize is not typing: a key pressed after one is taken as a key.
    func testAKeyAfterAResizeIsTakenAsAKey() throws {
        let (t, _) = try demoAtTheGate()
        try t.resize(width: 100, height: 30)
        try t.waitFor("the 100-column layout") { $0.split(separator: "\n").first?.count == 100 }
        try t.resize(width: 120, height: 40)
        try t.waitFor("the 120-column layout") { $0.split(separator: "\n").first?.count == 120 }
        try t.send("a")
        let screen = try t.waitFor("the approval") { $0.contains("plan approved") || $0.contains("ignored") }
        XCTAssertTrue(screen.contains("plan approved (seal ") && screen.contains("): implementation begins"), screen)
        try quit(t)
    }

    /// A message the engine could not write stays in the prompt with the reason, and Enter
    /// sends it once the engine can.
    func testAMessageThatCouldNotBeSentStaysInThePrompt() throws {
        let (t, dir) = try demoAtTheGate()
        let before = humanMessages(dir)
        // A directory where PLAN.md's lock file goes: every write to PLAN.md fails.
        let lock = dir + "/.agent-comms/PLAN.md.lock"
        try? FileManager.default.removeItem(atPath: lock)
        try FileManager.default.createDirectory(atPath: lock, withIntermediateDirectories: false)
        try t.answer("m", prompt: "Message to architect:", with: "keep this text")
        let failed = try t.waitFor("the error in the prompt") { $0.contains("not sent") }
        XCTAssertTrue(failed.contains("Message to architect: keep this text"), "the text is still in the prompt:\n\(failed)")
        XCTAssertEqual(humanMessages(dir), before)

        try FileManager.default.removeItem(atPath: lock)
        try t.send("Enter")
        try waitUntil("the message in PLAN.md") { self.humanMessages(dir) == before + ["keep this text"] }
        try t.waitFor("the prompt to close") { !$0.contains("Message to architect:") && $0.contains("message sent") }
        try quit(t)
    }

    // MARK: helpers

    /// `factory demo` kept in `root/demo`, at the approval gate.
    private func demoAtTheGate() throws -> (TmuxSession, String) {
        let dir = root + "/demo"
        let t = try open(["demo", "--keep", dir], width: 120, height: 40)
        try t.waitFor("the approval gate") { $0.contains("plan awaits you") }
        return (t, dir)
    }

    /// Quits, and checks that bracketed paste went off with the screen.
    private func quit(_ t: TmuxSession, file: StaticString = #filePath, line: UInt = #line) throws {
        try t.send("q")
        XCTAssertEqual(try t.waitForExit().status, 0, file: file, line: line)
        try assertBracketedPasteOff(t, file: file, line: line)
    }

    /// After the dashboard, a paste reaches the shell's terminal plain: the terminal echoes
    /// the markers (as `^[[200~`) only if bracketed paste were still on.
    func assertBracketedPasteOff(_ t: TmuxSession, file: StaticString = #filePath, line: UInt = #line) throws {
        try t.paste("after-the-dashboard")
        let screen = try t.waitFor("the echoed paste", file: file, line: line) { $0.contains("after-the-dashboard") }
        XCTAssertFalse(screen.contains("200~"), "bracketed paste is still on:\n\(screen)", file: file, line: line)
    }

    private func assertStillAtTheGate(_ dir: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let status = try factory(["status", "--json"], cwd: dir)
        XCTAssertEqual(status.status, 0, status.summary, file: file, line: line)
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(json?["phase"] as? String, "awaiting_approval", "nothing was approved", file: file, line: line)
        let plan = (try? String(contentsOfFile: dir + "/.agent-comms/PLAN.md", encoding: .utf8)) ?? ""
        XCTAssertFalse(plan.contains("[x] Human approved the plan"), "the approval box is not ticked", file: file, line: line)
    }

    /// Bodies of the messages from Human in the demo's PLAN.md.
    private func humanMessages(_ dir: String) -> [String] {
        guard let r = try? factory(["plan", "--json"], cwd: dir), r.status == 0,
              let json = try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any],
              let messages = json["messages"] as? [[String: Any]] else { return [] }
        return messages.filter { ($0["from"] as? String) == "Human" }.compactMap { $0["body"] as? String }
    }

    private func waitUntil(_ what: String, timeout: Double = 10, file: StaticString = #filePath, line: UInt = #line,
                           _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            guard Date() < deadline else {
                XCTFail("timed out after \(timeout) s waiting for \(what)", file: file, line: line)
                throw TmuxError.timedOut(what)
            }
            usleep(40_000)
        }
    }
}

extension TmuxSession {
    /// Pastes `text` as a terminal does: bracketed when the program asked for it.
    func paste(_ text: String) throws {
        try tmux(["set-buffer", "-b", "test-paste", "--", text])
        try tmux(["paste-buffer", "-p", "-d", "-b", "test-paste", "-t", "t"])
    }
}
