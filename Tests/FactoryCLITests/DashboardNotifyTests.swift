import Foundation
import XCTest

/// Desktop notifications in a real terminal: the bytes the dashboard writes to its pane are
/// piped out of tmux (`pipe-pane`) and read as the terminal reads them.
extension DashboardTmuxTests {
    /// With --desktop inside tmux: the plan awaiting approval reaches the terminal as one OSC 9
    /// wrapped for tmux's passthrough, its hostile text inert; the builder's request, which
    /// arrives while its detail view is open, alerts nothing (not even after it is closed);
    /// nothing else leaks and the screen stays whole.
    func testADesktopNotificationReachesTheTerminalOnceAndNotWhileLooking() throws {
        let repo = try makeSimRepo()
        try NotifyCLITests.askingBuilder.write(toFile: repo + "/agents/builder.md", atomically: true, encoding: .utf8)
        try ok("start", "Greet \u{1B}]2;PWNED\u{07} now", cwd: repo)
        defer { _ = try? factory(["kill", "builder"], cwd: repo) }
        let raw = root + "/pane.raw"
        let t = try open(["--desktop"], width: 120, height: 40,
                         extraEnvironment: ["TMUX": "/tmp/outer-tmux,1,0", "FACTORY_SIM_ASK": "builder", "FACTORY_SIM_PAUSE": "0.5"], cwd: repo)
        try t.tmux(["pipe-pane", "-t", "t", "-o", "cat >> '\(raw)'"])
        let title = try t.display("#{pane_title}")

        try t.waitFor("the plan to await approval", timeout: 30) { $0.contains("awaits approval") }
        try waitUntil("the notification") { rawOutput(raw).contains("]9;") }
        try t.send("j")
        try t.send("Enter")
        try t.waitFor("the builder's detail") { $0.contains("┌ builder") }
        try t.press("a")
        let asking = try t.waitFor("the builder's request", timeout: 30) { $0.contains("builder asks to run Bash: make release") }
        usleep(500_000)
        try t.send("Escape")
        try t.waitFor("the detail closed") { !$0.contains("┌ builder") }
        usleep(500_000)

        let bytes = rawOutput(raw)
        let notice = "\u{1B}Ptmux;\u{1B}\u{1B}]9;factory: architect: the plan for \"Greet ^[]2;PWNED^G now\" awaits approval: factory approve, or factory reject --reason\u{07}\u{1B}\\"
        XCTAssertEqual(bytes.components(separatedBy: notice).count - 1, 1, "one notification, wrapped for tmux:\n\(bytes.debugDescription)")
        XCTAssertEqual(bytes.components(separatedBy: "]9;").count - 1, 1, "the request seen in its detail view alerted nothing")
        XCTAssertFalse(bytes.contains("]777;"))
        XCTAssertEqual(bytes.unicodeScalars.filter { $0 == "\u{07}" }.count, 1, "no bell (not asked for), no BEL but the notification's own")
        XCTAssertFalse(bytes.contains("\u{1B}]2;PWNED"), "the agent's text never reaches the terminal raw")
        XCTAssertEqual(try t.display("#{pane_title}"), title, "the pane title is unchanged")
        XCTAssertTrue(asking.contains("┌ agents") && asking.contains("┌ builder"), asking)
        let after = try t.capture()
        XCTAssertTrue(["┌ factory", "┌ agents", "┌ tasks", "┌ messages", "builder asks"].allSatisfy(after.contains), "the screen is whole:\n\(after)")

        try t.send("q")
        XCTAssertEqual(try t.waitForExit().status, 0)
    }
}

extension DashboardTmuxTests {
    /// --bell rings once for the plan awaiting approval, and not again while it waits and
    /// the screen changes around it; the notify command's output, even written to /dev/tty,
    /// never reaches the terminal.
    func testTheBellRingsOncePerItemAndTheCommandStaysOffTheScreen() throws {
        let dir = root + "/demo"
        let raw = root + "/pane.raw"
        let hook = root + "/hook.sh"
        try "#!/bin/sh\necho LEAKED-STDOUT\necho LEAKED-STDERR >&2\necho LEAKED-TTY > /dev/tty\n".write(toFile: hook, atomically: true, encoding: .utf8)
        chmod(hook, 0o755)
        let t = try open(["demo", "--keep", dir, "--bell", "--notify", hook], width: 120, height: 40)
        try t.tmux(["pipe-pane", "-t", "t", "-o", "cat >> '\(raw)'"])
        try t.waitFor("the approval gate", timeout: 30) { $0.contains("plan awaits you") }
        try waitUntil("the bell") { rawOutput(raw).contains("\u{07}") }
        for n in 1...3 {
            try ok("say", "--file", dir + "/.agent-comms/PLAN.md", "--from", "builder", "--to", "architect", "note \(n)")
            try t.waitFor("the message") { $0.contains("note \(n)") }
        }
        usleep(300_000)
        XCTAssertEqual(rawOutput(raw).unicodeScalars.filter { $0 == "\u{07}" }.count, 1, "one bell for one item")
        XCTAssertFalse(rawOutput(raw).contains("]9;"), "no desktop notification unless asked for")
        let log = try waitForLog(dir + "/.agent-comms/logs/notify.log") { $0.contains("LEAKED-STDERR") }
        XCTAssertTrue(log.contains("LEAKED-STDOUT"), log)
        XCTAssertFalse(rawOutput(raw).contains("LEAKED"), "nothing the command writes reaches the terminal")
        try t.send("q")
        XCTAssertEqual(try t.waitForExit().status, 0)
    }
}

extension DashboardTmuxTests {
    /// A dashboard watching a headless driver, both told to run the same command: only the
    /// driver runs it, once for the plan awaiting approval; when the driver dies and the
    /// dashboard takes over, it does not run it again for the same item.
    func testOnlyTheDriverRunsTheCommandAndATakeOverDoesNotRepeatIt() throws {
        let (repo, out, driver) = try driven(hook: "cat >> \"$1\"", environment: ["FACTORY_SIM_ASK": "builder"])
        defer { if driver.isRunning { driver.terminate() } }
        try waitUntil("the approval's event", timeout: 30) { events(out).count == 1 }
        let t = try open(["--notify", root + "/hook.sh", out], width: 120, height: 40, extraEnvironment: ["FACTORY_SIM_ASK": "builder"], cwd: repo)
        try t.waitFor("the watching dashboard at the gate") { $0.contains("plan awaits you") }
        driver.terminate()
        try t.waitFor("the take-over") { $0.contains("driving now") }
        try ok("say", "--from", "builder", "--to", "architect", "after the take-over", cwd: repo)
        try t.waitFor("the message") { $0.contains("after the take-over") }
        usleep(500_000)
        XCTAssertEqual(events(out).map { $0["kind"] as? String }, ["approval"], "one event, from the process that drove")
        try t.press("a")
        try t.waitFor("the builder's request", timeout: 30) { $0.contains("builder asks to run Bash: make release") }
        try waitUntil("the request's event from the new driver") { events(out).count == 2 }
        XCTAssertEqual(events(out).last?["kind"] as? String, "request")
        try t.send("q")
        XCTAssertEqual(try t.waitForExit().status, 0)
        _ = try factory(["kill", "builder"], cwd: repo)
    }

    /// The file's text once `condition` holds.
    fileprivate func waitForLog(_ path: String, _ condition: @escaping (String) -> Bool) throws -> String {
        try waitUntil("\(path) to be written") { condition((try? String(contentsOfFile: path, encoding: .utf8)) ?? "") }
        return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }
}

/// What the program wrote to its pane, as text.
private func rawOutput(_ path: String) -> String {
    (try? String(decoding: Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)) ?? ""
}
