import Foundation
#if canImport(Glibc)
import Glibc
#endif
import PlanDocument
import TextWidth
import XCTest

/// The dashboard end to end in a real terminal: the built `factory` runs inside tmux (a
/// private server per session), keys go in with `send-keys`, the screen comes back with
/// `capture-pane`. Every wait polls the screen against a deadline.
final class DashboardTmuxTests: FactoryTestCase {
    private var sessions: [TmuxSession] = []

    override func setUpWithError() throws {
        guard TmuxSession.executable != nil else { throw missingTool("tmux") }
        try super.setUpWithError()
        for dir in ["home", "config", "tmp"] {
            try FileManager.default.createDirectory(atPath: root + "/" + dir, withIntermediateDirectories: true)
        }
    }

    override func tearDownWithError() throws {
        for session in sessions { session.kill() }
        sessions = []
        // The killed dashboards end their agents; wait for every process working under this
        // test's folder to go before it is removed, or one may recreate part of it.
        let deadline = Date().addingTimeInterval(5)
        while processesWorking(under: root) && Date() < deadline { usleep(20_000) }
        try super.tearDownWithError()
    }

    /// Killed in tearDown with the others.
    func trackSession(_ session: TmuxSession) { sessions.append(session) }

    private func processesWorking(under folder: String) -> Bool {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.filter { Int($0) != nil } ?? []
        return pids.contains { pid in
            let cwd = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd")) ?? ""
            return cwd.hasPrefix(folder)
        }
    }

    // MARK: - The tests

    /// The demo stops at the approval gate, `a` runs it to done, `q` gives the terminal back.
    func testDemoApprovalGateToDoneThenQuitRestoresTheTerminal() throws {
        let t = try open(["demo"], width: 120, height: 40)
        let gate = try t.waitFor("the approval gate") { s in
            let rows = lines(s)
            return rows.count == 40 && rows[1].contains("plan awaits you") && rows[39].contains("⚑")
                && s.contains("┌ agents")
        }
        let gateRows = lines(gate)
        XCTAssertTrue(gateRows[1].contains("● approve"), "the pipeline marks the approve step as current:\n\(gate)")
        XCTAssertTrue(gateRows[39].contains("awaits approval"), "the status bar names what needs attention:\n\(gate)")
        assertSane(gate, width: 120, height: 40)

        try t.send("a")
        let done = try t.waitFor("the pipeline to finish", timeout: 40) { lines($0).count == 40 && lines($0)[1].contains("done — merged into main") }
        let doneRows = lines(done)
        XCTAssertTrue(doneRows[1].contains("✓ done"), "every step is ticked:\n\(done)")
        XCTAssertFalse(doneRows[39].contains("⚑"), "nothing needs attention once merged:\n\(done)")
        assertSane(done, width: 120, height: 40)

        try t.send("q")
        let exit = try t.waitForExit()
        XCTAssertEqual(exit.status, 0, exit.screen)
        try assertRestored(t, exit.screen)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root + "/tmp").filter { $0.hasPrefix("factory-demo-") }
        XCTAssertEqual(leftovers, [], "the demo repository (not kept) is removed on quit")
    }

    /// At the approval gate `p` shows the architect's design as text — its table laid out —
    /// and `a` approves from inside the view; Esc closes it.
    func testThePlanViewAtTheGateThenApproveFromIt() throws {
        let t = try open(["demo"], width: 120, height: 40)
        _ = try t.waitFor("the approval gate") { $0.contains("plan awaits you") }
        try t.send("p")
        let plan = try t.waitFor("the design in the plan view") {
            $0.contains("┌ plan · ") && $0.contains("One command, one module, one test.") && $0.contains("Output   │ stdout │ simplest")
        }
        XCTAssertTrue(plan.contains("Design: "), plan)
        XCTAssertFalse(plan.contains("┌ agents"), "the view takes the panes' place:\n\(plan)")
        assertSane(plan, width: 120, height: 40)
        try t.press("a")
        _ = try t.waitFor("the pipeline to finish", timeout: 40) { $0.contains("done — merged into main") }
        try t.send("Escape")
        _ = try t.waitFor("the panes again") { $0.contains("┌ agents") }
        try t.send("q")
        XCTAssertEqual(try t.waitForExit().status, 0)
    }

    /// Left open after approving, the plan view shows the security veto that sends the work
    /// back, first, while the builder fixes it.
    func testThePlanViewShowsTheVetoThatSentTheWorkBack() throws {
        let t = try open(["demo", "--scenario", "veto"], width: 120, height: 40, extraEnvironment: ["FACTORY_SIM_PAUSE": "0.5"])
        _ = try t.waitFor("the approval gate", timeout: 20) { $0.contains("plan awaits you") }
        try t.send("p")
        _ = try t.waitFor("the design") { $0.contains("One command, one module, one test.") }
        try t.press("a")
        let vetoed = try t.waitFor("the veto in the plan view", timeout: 40) {
            $0.contains("Sent back by:") && $0.contains("Security Audit") && $0.contains("Critical Block")
        }
        let rows = lines(vetoed)
        XCTAssertTrue(rows[4].hasPrefix("│Sent back by:"), "the verdict comes first:\n\(vetoed)")
        _ = try t.waitFor("the pipeline to finish", timeout: 60) { $0.contains("done — merged into main") }
        try t.send("q")
        try t.send("q")
        XCTAssertEqual(try t.waitForExit().status, 0)
    }

    /// `d` on the builder shows its branch against main: the file, its counts, the changed
    /// line; `q` closes the view, a second `q` quits.
    func testTheDiffViewShowsTheBuildersChange() throws {
        let repo = try makeSimRepo()
        let builder = repo + "/worktrees/builder"
        try "Hello from the builder's diff\n".write(toFile: builder + "/greeting.txt", atomically: true, encoding: .utf8)
        _ = try git(in: builder, ["add", "greeting.txt"])
        _ = try git(in: builder, ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "A greeting"])
        let t = try open([], width: 120, height: 40, cwd: repo)
        _ = try t.waitFor("the dashboard") { $0.contains("┌ agents") && $0.contains("builder") }
        try t.send("j")
        try t.send("d")
        let diff = try t.waitFor("the builder's diff") {
            $0.contains("┌ diff · builder") && $0.contains("+Hello from the builder's diff") && $0.contains("greeting.txt  +1 −0")
        }
        assertSane(diff, width: 120, height: 40)
        // `]` and `[` go from file to file; the border says which rows show.
        let long = (1...50).map { "line \($0)\n" }.joined()
        try long.write(toFile: builder + "/long.txt", atomically: true, encoding: .utf8)
        _ = try git(in: builder, ["add", "long.txt"])
        _ = try git(in: builder, ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "A long file"])
        _ = try t.waitFor("the diff read again once the branch moved") { $0.contains("2 files changed  +51 −0") && $0.contains("+50 −0") }
        try t.send("]")
        _ = try t.waitFor("the first file at the top") { lines($0)[4].hasPrefix("│── greeting.txt ──") && $0.contains("─ 5–38 of 67 ") }
        try t.send("[")
        _ = try t.waitFor("the list of files again") { lines($0)[4].hasPrefix("│2 files changed") }
        try t.send("]")
        try t.send("]")
        _ = try t.waitFor("the second file at the top") { lines($0)[4].hasPrefix("│── long.txt ──") && $0.contains("─ 12–45 of 67 ") }
        try t.send("G")
        _ = try t.waitFor("the end") { $0.contains("│+line 50 ") && $0.contains("─ 34–67 of 67 ") }
        try t.send("g")
        _ = try t.waitFor("the top") { $0.contains("─ 1–34 of 67 ") }
        try t.send("q")
        _ = try t.waitFor("the panes again") { $0.contains("┌ agents") }
        try t.send("q")
        XCTAssertEqual(try t.waitForExit().status, 0)
    }

    /// Another process appends a message to PLAN.md; the dashboard shows it at once.
    func testMessageFromAnotherProcessAppears() throws {
        let dir = root + "/demo"
        let t = try open(["demo", "--keep", dir], width: 120, height: 40)
        try t.waitFor("the dashboard at the approval gate") { $0.contains("┌ messages") && $0.contains("plan awaits you") }
        let status = try factory(["status", "--json"], cwd: dir)
        XCTAssertEqual(status.status, 0, status.summary)
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(json?["phase"] as? String, "awaiting_approval")

        let say = try factory(["say", "--file", dir + "/.agent-comms/PLAN.md", "--from", "builder", "--to", "architect", "hello from outside 42"])
        XCTAssertEqual(say.status, 0, say.summary)
        let screen = try t.waitFor("the new message", timeout: 5) { $0.contains("hello from outside 42") }
        XCTAssertTrue(screen.contains("Builder → Architect"), "the message heading is shown too:\n\(screen)")
        assertSane(screen, width: 120, height: 40)

        try t.send("q")
        let exit = try t.waitForExit()
        XCTAssertEqual(exit.status, 0, exit.screen)
        XCTAssertTrue(exit.screen.contains("demo repository kept in \(dir)"), exit.screen)
        try assertRestored(t, exit.screen)
    }

    /// Shrinking and growing the terminal: every frame fits, the layout follows the size.
    func testResizeKeepsTheScreenSane() throws {
        let t = try open(["demo"], width: 120, height: 40)
        let first = try t.waitFor("the full dashboard") { s in
            ["┌ factory", "┌ agents", "┌ tasks", "┌ messages", "plan awaits you"].allSatisfy(s.contains)
        }
        assertSane(first, width: 120, height: 40)

        try t.resize(width: 80, height: 24)
        let medium = try t.waitFor("the 80×24 layout") { s in
            isSane(s, width: 80, height: 24) && ["┌ factory", "┌ agents", "┌ messages"].allSatisfy(s.contains)
        }
        assertSane(medium, width: 80, height: 24)

        try t.resize(width: 50, height: 14)
        let narrow = try t.waitFor("single-pane mode at 50×14") { s in
            isSane(s, width: 50, height: 14) && s.contains("┌ factory") && contentPanes(s).count == 1
        }
        assertSane(narrow, width: 50, height: 14)
        XCTAssertEqual(contentPanes(narrow).count, 1, "one pane at 50×14:\n\(narrow)")

        try t.resize(width: 30, height: 8)
        let tiny = try t.waitFor("\"terminal too small\" at 30×8") { s in
            isSane(s, width: 30, height: 8) && s.contains("terminal too small")
        }
        assertSane(tiny, width: 30, height: 8)
        XCTAssertFalse(tiny.contains("┌"), "no half-drawn boxes when too small:\n\(tiny)")

        try t.resize(width: 120, height: 40)
        let back = try t.waitFor("the full dashboard again") { s in
            isSane(s, width: 120, height: 40) && ["┌ factory", "┌ agents", "┌ tasks", "┌ messages"].allSatisfy(s.contains)
                && !s.contains("terminal too small")
        }
        assertSane(back, width: 120, height: 40)
        XCTAssertEqual(boxEdges(back), boxEdges(first), "the layout is exactly what it was at 120×40:\n\(first)\n---\n\(back)")

        try t.send("q")
        XCTAssertEqual(try t.waitForExit().status, 0)
    }

    /// NO_COLOR (and --no-color) draws without colours but keeps attributes; the default
    /// does use colours on a colour terminal.
    func testNoColorHasNoColourCodes() throws {
        func drawn(_ args: [String], noColorEnv: Bool) throws -> String {
            let t = try open(args, width: 120, height: 40, extraEnvironment: noColorEnv ? ["NO_COLOR": "1"] : [:])
            try t.waitFor("the dashboard") { $0.contains("plan awaits you") && $0.contains("┌ messages") && $0.contains("⚑") }
            let screen = try t.capture(escapes: true)
            try t.send("q")
            XCTAssertEqual(try t.waitForExit().status, 0)
            return screen
        }
        let coloured = try drawn(["demo"], noColorEnv: false)
        XCTAssertFalse(colourCodes(coloured).isEmpty, "TERM=xterm-256color without NO_COLOR uses colours:\n\(coloured)")

        for (args, env, label) in [(["demo"], true, "NO_COLOR=1"), (["demo", "--no-color"], false, "--no-color")] {
            let plain = try drawn(args, noColorEnv: env)
            XCTAssertTrue(plain.contains("┌ agents"), "\(label): the dashboard is drawn:\n\(plain)")
            XCTAssertEqual(colourCodes(plain), [], "\(label): no colour codes")
            let attributes = Set(sgrSequences(plain).flatMap { $0 })
            XCTAssertFalse(attributes.isDisjoint(with: ["1", "7"]), "\(label): bold or reverse still marks things: \(attributes.sorted())")
        }
    }

    /// Terminal escapes and a bidi override in PLAN.md text are shown, never obeyed.
    func testHostileTextIsShownNotObeyed() throws {
        let dir = root + "/demo"
        let t = try open(["demo", "--keep", dir], width: 160, height: 40)
        let before = try t.waitFor("the dashboard") { s in
            ["┌ agents", "┌ tasks", "┌ messages", "plan awaits you", "⚑"].allSatisfy(s.contains)
        }
        let title = try t.display("#{pane_title}")
        let plan = dir + "/.agent-comms/PLAN.md"

        let message = "evil \u{1B}]2;PWNED\u{07} clear \u{1B}[2J bidi \u{202E}abc end"
        let say = try factory(["say", "--file", plan, "--from", "builder", "--to", "architect", message])
        XCTAssertEqual(say.status, 0, say.summary)
        let task = "task \u{1B}]0;PWNED2\u{07} \u{1B}[2J \u{202E}xyz"
        let add = try factory(["task", "add", "--file", plan, "--agent", "builder", task])
        XCTAssertEqual(add.status, 0, add.summary)
        let bytes = try String(contentsOfFile: plan, encoding: .utf8)
        XCTAssertTrue(bytes.contains("\u{1B}]2;PWNED\u{07}") && bytes.contains("\u{1B}]0;PWNED2\u{07}"), "the raw bytes reached PLAN.md")

        let screen = try t.waitFor("the hostile message and task") { s in
            lines(s).contains { $0.contains("evil") && $0.contains("PWNED") } && lines(s).contains { $0.contains("task") && $0.contains("PWNED2") }
        }
        XCTAssertEqual(try t.display("#{pane_title}"), title, "the pane title is unchanged")
        XCTAssertFalse(try t.display("#{pane_title}").contains("PWNED"))
        assertSane(screen, width: 160, height: 40)
        for marker in ["┌ factory", "┌ agents", "┌ tasks", "┌ messages", "plan awaits you", "⚑"] {
            XCTAssertTrue(screen.contains(marker), "\(marker) is still on screen (nothing was cleared):\n\(screen)")
        }
        XCTAssertEqual(lines(screen).filter { $0.hasPrefix("│") }.count, lines(before).filter { $0.hasPrefix("│") }.count,
                       "every boxed row is still drawn:\n\(screen)")
        let messageRow = lines(screen).first { $0.contains("evil") } ?? ""
        let taskRow = lines(screen).first { $0.contains("PWNED2") } ?? ""
        XCTAssertTrue(messageRow.contains("^[") && messageRow.contains("PWNED"), "the escapes are visible in the message: \(messageRow)")
        XCTAssertTrue(taskRow.contains("^["), "the escapes are visible in the task: \(taskRow)")
        XCTAssertFalse(screen.unicodeScalars.contains("\u{202E}"), "no raw bidi override reaches the terminal")
        XCTAssertTrue(messageRow.contains("abc end"), "the text after the override is shown: \(messageRow)")

        try t.send("q")
        XCTAssertEqual(try t.waitForExit().status, 0)
    }

    /// Real terminal types draw and quit cleanly; a dumb or unknown one is refused in one line.
    func testTerminalTypes() throws {
        let good = ["xterm-256color", "screen", "vt100"], bad = ["dumb", "nonexistent-term"]
        var started: [(term: String, session: TmuxSession)] = []
        for term in good + bad {
            started.append((term, try open(["demo"], width: 100, height: 30, term: term)))
        }
        for (term, t) in started where good.contains(term) {
            let screen = try t.waitFor("the dashboard on TERM=\(term)") { $0.contains("┌ agents") && $0.contains("plan awaits you") }
            assertSane(screen, width: 100, height: 30, context: "TERM=\(term)")
            try t.send("q")
            let exit = try t.waitForExit("TERM=\(term) to quit")
            XCTAssertEqual(exit.status, 0, "TERM=\(term):\n\(exit.screen)")
            XCTAssertTrue(exit.screen.contains("TTY=same"), "TERM=\(term): the terminal modes are restored:\n\(exit.screen)")
            if term != "vt100" {
                try assertRestored(t, exit.screen, context: "TERM=\(term)")
            } else {
                // No alternate screen: the dashboard clears itself so the shell does not write over it.
                XCTAssertFalse(exit.screen.contains("┌ agents"), "TERM=vt100: the last frame is cleared:\n\(exit.screen)")
                XCTAssertTrue(exit.screen.contains("EXIT=0"), exit.screen)
            }
        }
        for (term, t) in started where bad.contains(term) {
            let exit = try t.waitForExit("TERM=\(term) to be refused")
            XCTAssertNotEqual(exit.status, 0, "TERM=\(term) is refused:\n\(exit.screen)")
            let shown = lines(exit.screen).filter { !$0.isEmpty }
            XCTAssertEqual(shown.count, 4, "TERM=\(term): BEFORE, one error line, TTY, EXIT — nothing else:\n\(exit.screen)")
            if shown.count == 4 {
                XCTAssertEqual(shown[0], "BEFORE-DASHBOARD")
                XCTAssertTrue(shown[1].contains(term), "TERM=\(term): the error names the terminal: \(shown[1])")
                XCTAssertTrue(shown[1].lowercased().contains("terminal"), "TERM=\(term): \(shown[1])")
                XCTAssertEqual(shown[2], "TTY=same", "TERM=\(term): terminal modes untouched")
            }
            let raw = try t.capture(escapes: true)
            XCTAssertFalse(raw.contains("\u{1B}"), "TERM=\(term): no attributes or colours were drawn:\n\(raw)")
            XCTAssertEqual(try t.display("#{alternate_on}"), "0", "TERM=\(term)")
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root + "/tmp").filter { $0.hasPrefix("factory-demo-") }
        XCTAssertEqual(leftovers, [], "no demo repository is left behind")
    }

    // MARK: - Helpers

    /// `factory ARGS` in a new tmux server, wrapped so the exit status, the terminal
    /// modes and the screen after exit can be read.
    func open(_ args: [String], width: Int, height: Int, term: String = "xterm-256color",
              extraEnvironment: [String: String] = [:], cwd: String? = nil) throws -> TmuxSession {
        var env = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            "HOME": root + "/home",
            "XDG_CONFIG_HOME": root + "/config",
            "TMPDIR": root + "/tmp",
            "LANG": "C.UTF-8",
            "TZ": "UTC",
            "TERM": term,
        ]
        env.merge(extraEnvironment) { $1 }
        let wrapper = #"B=$(stty -g); echo BEFORE-DASHBOARD; "$0" "$@"; S=$?; "#
            + #"if [ "$(stty -g)" = "$B" ]; then echo TTY=same; else echo TTY=changed; fi; echo EXIT=$S; sleep 30"#
        let command = ["env", "-i"] + env.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            + ["sh", "-c", wrapper, Factory.binaryPath] + args
        let session = try TmuxSession(scratch: scratch)
        sessions.append(session)
        try session.start(command, width: width, height: height, cwd: cwd ?? root)
        return session
    }

    /// After quitting: the shell's own screen is back (what was printed before the
    /// dashboard), no dashboard left over, normal screen, cursor shown, keypad and mouse off.
    func assertRestored(_ t: TmuxSession, _ screen: String, context: String = "",
                                file: StaticString = #filePath, line: UInt = #line) throws {
        let rows = lines(screen)
        XCTAssertEqual(rows.first, "BEFORE-DASHBOARD", "\(context) the screen from before the dashboard is back:\n\(screen)", file: file, line: line)
        XCTAssertTrue(screen.contains("TTY=same"), "\(context) terminal modes restored:\n\(screen)", file: file, line: line)
        XCTAssertFalse(screen.contains("┌ agents"), "\(context) no leftover dashboard:\n\(screen)", file: file, line: line)
        XCTAssertFalse(screen.contains { "┌┐└┘│─".contains($0) }, "\(context) no box drawing left:\n\(screen)", file: file, line: line)
        let flags = try t.display("#{alternate_on} #{cursor_flag} #{keypad_cursor_flag} #{mouse_any_flag}")
        XCTAssertEqual(flags, "0 1 0 0", "\(context) alternate screen off, cursor visible, keypad and mouse off", file: file, line: line)
    }

    func assertSane(_ screen: String, width: Int, height: Int, context: String = "",
                            file: StaticString = #filePath, line: UInt = #line) {
        for problem in saneProblems(screen, width: width, height: height) {
            XCTFail("\(context) \(width)×\(height): \(problem)\n\(screen)", file: file, line: line)
        }
    }
}

// MARK: - Screen analysis

/// The rows of a plain capture (tmux ends each row with a newline).
func lines(_ screen: String) -> [String] {
    var rows = screen.components(separatedBy: "\n")
    if rows.last == "" { rows.removeLast() }
    return rows
}

/// What is wrong with a frame for a W×H terminal: more rows than H, a row wider than W,
/// a boxed row that does not span exactly W columns or is not closed on the right.
private func saneProblems(_ screen: String, width: Int, height: Int) -> [String] {
    var problems: [String] = []
    let rows = lines(screen)
    if rows.count != height { problems.append("\(rows.count) rows, expected \(height)") }
    for (i, row) in rows.enumerated() {
        let columns = TextWidth.columns(of: row)
        if columns > width { problems.append("row \(i) is \(columns) columns wide: \(row)") }
        if let first = row.first, "┌│└".contains(first) {
            if columns != width { problems.append("boxed row \(i) is \(columns) columns, not \(width): \(row)") }
            if let last = row.last, !"┐│┘".contains(last) { problems.append("boxed row \(i) is not closed: \(row)") }
        }
    }
    return problems
}

private func isSane(_ screen: String, width: Int, height: Int) -> Bool {
    saneProblems(screen, width: width, height: height).isEmpty
}

/// Titles of the boxes other than the pipeline header.
private func contentPanes(_ screen: String) -> [String] {
    screen.components(separatedBy: "┌ ").dropFirst().map { String($0.prefix { $0 != " " }) }.filter { $0 != "factory" }
}

/// The top and bottom edges of every box, row by row: the layout, without the contents.
private func boxEdges(_ screen: String) -> [String] {
    lines(screen).filter { $0.hasPrefix("┌") || $0.hasPrefix("└") }
}

/// The parameter lists of every SGR sequence (`ESC [ … m`) in a `capture-pane -e` screen.
func sgrSequences(_ screen: String) -> [[String]] {
    var result: [[String]] = []
    let scalars = Array(screen.unicodeScalars)
    var i = 0
    while i + 1 < scalars.count {
        guard scalars[i] == "\u{1B}", scalars[i + 1] == "[" else { i += 1; continue }
        var j = i + 2, params = ""
        while j < scalars.count, "0123456789;:".unicodeScalars.contains(scalars[j]) { params.unicodeScalars.append(scalars[j]); j += 1 }
        if j < scalars.count, scalars[j] == "m" {
            result.append(params.isEmpty ? ["0"] : params.split(separator: ";", omittingEmptySubsequences: false).map(String.init))
        }
        i = j
    }
    return result
}

/// The colour-setting SGR parameters: 30–38, 40–48, 90–97, 100–107 (39 and 49, the
/// default colours, are resets, not colours).
private func colourCodes(_ screen: String) -> [String] {
    var codes: [String] = []
    for params in sgrSequences(screen) {
        var k = 0
        while k < params.count {
            let p = params[k].split(separator: ":").first.map(String.init) ?? ""
            if let n = Int(p) {
                switch n {
                case 30...37, 40...47, 90...97, 100...107: codes.append(params[k])
                case 38, 48:
                    codes.append(params[k...].joined(separator: ";"))
                    k = params.count
                default: break
                }
            }
            k += 1
        }
    }
    return codes
}

// MARK: - tmux

enum TmuxError: Error, CustomStringConvertible {
    case failed([String], String)
    case timedOut(String)

    var description: String {
        switch self {
        case .failed(let args, let err): return "tmux \(args.joined(separator: " ")) failed: \(err)"
        case .timedOut(let what): return "timed out waiting for \(what)"
        }
    }
}

/// One tmux server on a private socket with one session, `t`.
final class TmuxSession {
    static let executable: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/tmux" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// The server's socket: a path of its own, so tests never meet a user's server or
    /// each other (a socket path must stay under ~100 bytes).
    let socket: String
    private let scratch: String
    private var started = false

    init(scratch: String) throws {
        guard Self.executable != nil else { throw missingTool("tmux") }
        self.scratch = scratch
        let name = "tmux-\(UUID().uuidString.prefix(8)).sock"
        socket = scratch.utf8.count + name.utf8.count < 100 ? "\(scratch)/\(name)" : "/tmp/factory-test-\(name)"
    }

    /// Runs `tmux -S socket -f /dev/null ARGS`, output through files.
    ///
    /// Spawned with posix_spawn and reaped with waitpid, not with Foundation.Process: the
    /// first call forks the tmux server, which would inherit the descriptor Process uses to
    /// notice its child's exit and so hold every call open until the server ends.
    @discardableResult
    func tmux(_ args: [String]) throws -> String {
        let tag = UUID().uuidString
        let outPath = "\(scratch)/tmux-\(tag).out", errPath = "\(scratch)/tmux-\(tag).err"
        defer {
            unlink(outPath)
            unlink(errPath)
        }
        var environment = ProcessInfo.processInfo.environment
        environment["TMUX"] = nil
        environment["TMUX_PANE"] = nil
        let argv = [Self.executable!, "-S", socket, "-f", "/dev/null"] + args
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (cArgs + cEnv).forEach { free($0) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))

        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, Self.executable!, &actions, &attributes, cArgs, cEnv)
        guard spawned == 0 else { throw TmuxError.failed(args, "posix_spawn: \(String(cString: strerror(spawned)))") }
        let deadline = Date().addingTimeInterval(10)
        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { throw TmuxError.failed(args, "waitpid: \(String(cString: strerror(errno)))") }
            if Date() >= deadline {
                Glibc.kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw TmuxError.timedOut("tmux \(args.joined(separator: " "))")
            }
            usleep(500)
        }
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let exitedNormally = status & 0x7F == 0, code = (status >> 8) & 0xFF
        guard exitedNormally, code == 0 else {
            throw TmuxError.failed(args, "status \(status): " + ((try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""))
        }
        return stdout
    }

    /// A detached W×H session running COMMAND (an argv: tmux runs it without a shell).
    func start(_ command: [String], width: Int, height: Int, cwd: String) throws {
        started = true
        try tmux(["new-session", "-d", "-s", "t", "-x", "\(width)", "-y", "\(height)", "-c", cwd] + command)
    }

    /// The visible screen; with `escapes`, colours and attributes as SGR sequences.
    func capture(escapes: Bool = false) throws -> String {
        try tmux(["capture-pane", "-p", "-t", "t"] + (escapes ? ["-e"] : []))
    }

    func display(_ format: String) throws -> String {
        try tmux(["display-message", "-p", "-t", "t", format]).trimmingCharacters(in: .newlines)
    }

    func send(_ keys: String...) throws {
        try tmux(["send-keys", "-t", "t"] + keys)
    }

    /// Presses a key that acts (approve, allow…) as a person does: if the dashboard took it
    /// for part of a burst (a loaded machine can deliver keys together), it says so, and the
    /// key is pressed again — what the notice tells a person to do.
    func press(_ key: String, file: StaticString = #filePath, line: UInt = #line) throws {
        for _ in 0..<3 {
            let before = try capture()
            try send(key)
            let deadline = Date().addingTimeInterval(2)
            var screen = before
            while Date() < deadline {
                screen = try capture()
                if screen != before { break }
                usleep(20_000)
            }
            guard screen.contains("ignored: keys came faster than typing") else { return }
            usleep(100_000)
        }
        XCTFail("\(key) was taken for a burst three times", file: file, line: line)
    }

    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", "t", "-x", "\(width)", "-y", "\(height)"])
    }

    /// Polls the screen until `condition` holds; on the deadline, fails with the last screen.
    @discardableResult
    func waitFor(_ what: String, timeout: Double = 10, file: StaticString = #filePath, line: UInt = #line,
                 _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = ""
        while true {
            screen = try capture()
            if condition(screen) { return screen }
            if Date() >= deadline { break }
            usleep(40_000)
        }
        XCTFail("timed out after \(timeout) s waiting for \(what); the screen:\n\(screen)", file: file, line: line)
        throw TmuxError.timedOut(what)
    }

    /// Waits for the wrapper's `EXIT=n` line: the status and the screen after exit.
    /// (Found anywhere on a row: a terminal left without newline translation would not
    /// start it at column 0.)
    func waitForExit(_ what: String = "the program to exit", timeout: Double = 10,
                     file: StaticString = #filePath, line: UInt = #line) throws -> (status: Int, screen: String) {
        let screen = try waitFor(what, timeout: timeout, file: file, line: line) { $0.contains("EXIT=") }
        let digits = screen.components(separatedBy: "EXIT=").last?.prefix { $0.isNumber } ?? ""
        return (Int(digits) ?? -1, screen)
    }

    func kill() {
        guard started else { return }
        started = false
        _ = try? tmux(["kill-server"])
        unlink(socket)
    }
}

extension DashboardTmuxTests {
    /// A crash while the screen is up still gives the terminal back.
    func testACrashRestoresTheTerminal() throws {
        let t = try open(["demo"], width: 100, height: 30, term: "xterm-256color")
        _ = try t.waitFor("the dashboard") { $0.contains("┌ agents") }
        let pane = try t.display("#{pane_pid}").trimmingCharacters(in: .whitespacesAndNewlines)
        // The pane runs sh, which runs factory: signal factory.
        let children = (try? String(contentsOfFile: "/proc/\(pane)/task/\(pane)/children", encoding: .utf8)) ?? ""
        guard let pid = children.split(separator: " ").compactMap({ Int32($0) }).first else { return XCTFail("no dashboard process") }
        kill(pid, SIGSEGV)
        let exit = try t.waitForExit("the crashed dashboard")
        XCTAssertEqual(exit.status, 128 + Int(SIGSEGV), exit.screen)
        XCTAssertTrue(exit.screen.contains("TTY=same"), "the terminal modes are restored:\n\(exit.screen)")
        XCTAssertEqual(try t.display("#{alternate_on}").trimmingCharacters(in: .whitespacesAndNewlines), "0", "the alternate screen is left")
        try assertBracketedPasteOff(t)
    }
}

extension DashboardTmuxTests {
    /// Keystrokes drive the gate: `r` asks a reason and sends the plan back, `m` messages
    /// the selected role, `a` approves the revised plan.
    func testRejectWithAReasonThenMessageThenApprove() throws {
        let t = try open(["demo"], width: 120, height: 40, term: "xterm-256color")
        _ = try t.waitFor("the approval gate") { $0.contains("plan awaits you") }
        try t.send("r")
        _ = try t.waitFor("the reason prompt") { $0.contains("Reason for the architect:") }
        try t.send("-l", "Cover the error paths")
        try t.send("Enter")
        _ = try t.waitFor("the rejection in the log", timeout: 20) { $0.contains("Plan rejected: Cover the error paths") }
        _ = try t.waitFor("the revised plan at the gate", timeout: 20) { $0.contains("plan awaits you") && $0.contains("Revise the design") }
        try t.send("m")
        _ = try t.waitFor("the message prompt") { $0.contains("Message to architect:") }
        try t.send("-l", "Thanks, looks good")
        try t.send("Enter")
        _ = try t.waitFor("the message in the log") { $0.contains("Human → Architect") && $0.contains("Thanks, looks good") }
        try t.press("a")
        _ = try t.waitFor("the pipeline to finish", timeout: 40) { $0.contains("done — merged into main") }
        try t.send("q")
        XCTAssertEqual(try t.waitForExit().status, 0)
    }
}
