import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// The terminal under stress: resizes in a burst, signals in every phase, suspend and resume,
/// a crash inside a draw. Whatever happens, the terminal comes back as it was.
extension DashboardTmuxTests {
    /// 200 resizes in a row, down to 1×1 and up to 400×150: the dashboard lives through them,
    /// draws the last size right and still answers keys.
    func testTwoHundredResizesInARowThenItStillDrawsAndAnswers() throws {
        let t = try open(["demo"], width: 120, height: 40)
        _ = try t.waitFor("the approval gate") { $0.contains("plan awaits you") && $0.contains("┌ agents") }
        let pid = try dashboardPid(t)
        let sizes = [(1, 1), (2, 2), (10, 3), (400, 150), (80, 24), (3, 1), (1, 40), (300, 5), (40, 12), (57, 19), (200, 60)]
        for i in 0..<200 {
            let (w, h) = sizes[i % sizes.count]
            try t.resize(width: w, height: h)
        }
        XCTAssertEqual(kill(pid, 0), 0, "the dashboard survived 200 resizes")
        try t.resize(width: 100, height: 30)
        let after = try t.waitFor("the full dashboard at 100×30") { s in
            lines(s).count == 30 && ["┌ factory", "┌ agents", "┌ messages", "plan awaits you"].allSatisfy(s.contains)
                && !s.contains("terminal too small") && lines(s).allSatisfy { !$0.hasPrefix("│") || $0.hasSuffix("│") }
        }
        assertSane(after, width: 100, height: 30)
        try t.send("p")
        _ = try t.waitFor("the plan view, opened by a key") { $0.contains("┌ plan · ") }
        try t.send("Escape")
        _ = try t.waitFor("the panes again") { $0.contains("┌ agents") }
        try t.send("q")
        let exit = try t.waitForExit()
        XCTAssertEqual(exit.status, 0, exit.screen)
        try assertRestored(t, exit.screen)
    }

    /// SIGTERM, SIGHUP and SIGINT, each in two of the six phases a feature goes through (one
    /// pipeline, a new dashboard for each phase: the agents outlive each dashboard). Each
    /// signal ends the dashboard with 128+N and gives the terminal back.
    func testSignalsInEveryPhaseRestoreTheTerminal() throws {
        let repo = try makeSimRepo()
        let env = ["FACTORY_SIM_PAUSE": "1"]
        let steps: [(phase: String, shows: String, signal: Int32)] = [
            ("idle", "idle — start a feature", SIGTERM),
            ("planning", "the architect is designing", SIGHUP),
            ("awaiting approval", "plan awaits you", SIGINT),
            ("implementation", "waiting for the builder's tasks", SIGTERM),
            ("validation", "waiting for tester, reviewer and security", SIGHUP),
            ("documentation", "waiting for the docwriter", SIGINT),
        ]
        for (i, step) in steps.enumerated() {
            if step.phase == "planning" {
                let started = try factory(["start", "Add a greeting command"], cwd: repo)
                XCTAssertEqual(started.status, 0, started.summary)
            }
            let t = try open([], width: 120, height: 40, extraEnvironment: env, cwd: repo)
            if step.phase == "implementation" {
                _ = try t.waitFor("the approval gate", timeout: 20) { $0.contains("plan awaits you") }
                try t.press("a")
            }
            _ = try t.waitFor("the \(step.phase) phase", timeout: 30) { $0.contains(step.shows) && $0.contains("┌ agents") }
            kill(try dashboardPid(t), step.signal)
            let exit = try t.waitForExit("the dashboard to end on signal \(step.signal) in \(step.phase)")
            XCTAssertEqual(exit.status, step.signal == SIGINT ? 130 : 128 + Int(step.signal), "\(step.phase): \(exit.screen)")
            try assertRestored(t, exit.screen, context: "signal \(step.signal) in \(step.phase) (\(i + 1) of \(steps.count)):")
            t.kill()
        }
        let t = try open([], width: 120, height: 40, extraEnvironment: env, cwd: repo)
        _ = try t.waitFor("the pipeline to finish after all that", timeout: 60) { $0.contains("done — merged into main") }
        try t.send("q")
        XCTAssertEqual(try t.waitForExit().status, 0)
    }

    /// Every fatal signal, sent while the screen is up: the process dies of it (128+N) and
    /// the terminal is given back first.
    func testFatalSignalsRestoreTheTerminal() throws {
        let fatal = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE]
        let started = try fatal.map { ($0, try open(["demo"], width: 100, height: 30)) }
        for (sig, t) in started {
            _ = try t.waitFor("the dashboard") { $0.contains("┌ agents") }
            kill(try dashboardPid(t), sig)
        }
        for (sig, t) in started {
            let exit = try t.waitForExit("the dashboard killed by signal \(sig)")
            XCTAssertEqual(exit.status, 128 + Int(sig), exit.screen)
            try assertRestored(t, exit.screen, context: "signal \(sig):")
        }
    }

    /// Ctrl-\ (SIGQUIT) quits like Ctrl-C does, terminal given back; left to the runtime it
    /// printed a backtrace, went on, and took the crash handlers with it.
    func testQuitSignalEndsTheDashboardAndGivesTheTerminalBack() throws {
        let t = try open(["demo"], width: 100, height: 30)
        _ = try t.waitFor("the dashboard") { $0.contains("┌ agents") }
        kill(try dashboardPid(t), SIGQUIT)
        let exit = try t.waitForExit("the dashboard to end on SIGQUIT")
        XCTAssertEqual(exit.status, 128 + Int(SIGQUIT), exit.screen)
        try assertRestored(t, exit.screen, context: "SIGQUIT:")
    }

    /// A trap in the middle of drawing a frame (a Swift runtime error, as a bug would raise):
    /// the terminal is given back, the crash is reported in the dashboard's log.
    func testACrashInsideADrawRestoresTheTerminal() throws {
        let dir = root + "/demo"
        let t = try open(["demo", "--keep", dir], width: 100, height: 30, extraEnvironment: ["FACTORY_TEST_CRASH_IN_DRAW": "3"])
        let exit = try t.waitForExit("the dashboard to crash in its third frame", timeout: 30)
        XCTAssertTrue([128 + Int(SIGILL), 128 + Int(SIGTRAP)].contains(exit.status), "a runtime trap: \(exit.screen)")
        try assertRestored(t, exit.screen)
        let log = (try? String(contentsOfFile: dir + "/.agent-comms/logs/dashboard.log", encoding: .utf8)) ?? ""
        XCTAssertTrue(log.contains("FACTORY_TEST_CRASH_IN_DRAW"), "the crash is reported in the log:\n\(log)")
    }

    /// Ctrl-Z in a shell with job control: the dashboard stops and the shell has the terminal
    /// back as it was (normal screen, cursor, modes); resized meanwhile, `fg` brings the
    /// dashboard back drawn whole at the new size. Then the same with SIGTSTP sent by `kill`.
    func testSuspendGivesTheShellTheTerminalAndResumeRedrawsWhole() throws {
        let t = try openShell(width: 120, height: 40)
        try t.send("-l", #"B=$(stty -g); "$F" demo"#)
        try t.send("Enter")
        _ = try t.waitFor("the dashboard") { $0.contains("plan awaits you") && $0.contains("┌ agents") }
        let pid = try dashboardPid(t)
        for (n, (round, suspend)) in [("Ctrl-Z", { try t.send("C-z") }), ("kill -TSTP", { _ = kill(pid, SIGTSTP) })].enumerated() {
            try suspend()
            // The shell's screen keeps what it showed before: count, do not just look.
            _ = try t.waitFor("the shell after \(round)") { $0.components(separatedBy: "Stopped").count == n + 2 }
            XCTAssertEqual(try t.display("#{alternate_on} #{cursor_flag} #{mouse_any_flag}"), "0 1 0", "\(round): normal screen, cursor shown, mouse off")
            let shell = try ttyCheck(t, "TTY-\(n)")
            XCTAssertTrue(shell.contains("TTY-\(n):same"), "\(round): the shell has its terminal modes back:\n\(shell)")
            XCTAssertFalse(shell.contains("┌ agents"), "\(round): the shell's screen, not the dashboard:\n\(shell)")
            try t.resize(width: 100, height: 30)
            try t.send("-l", "fg")
            try t.send("Enter")
            let back = try t.waitFor("the dashboard drawn whole after fg (\(round))") { s in
                lines(s).count == 30 && ["┌ factory", "┌ agents", "┌ messages", "plan awaits you", "⚑"].allSatisfy(s.contains)
                    && lines(s).filter { $0.hasPrefix("└") }.count >= 2
            }
            assertSane(back, width: 100, height: 30, context: round)
            XCTAssertEqual(try t.display("#{alternate_on}"), "1", "\(round): the dashboard is on the alternate screen again")
            try t.send("p")
            _ = try t.waitFor("keys work after \(round)") { $0.contains("┌ plan · ") }
            try t.send("Escape")
            _ = try t.waitFor("the panes again") { $0.contains("┌ agents") }
            try t.resize(width: 120, height: 40)
        }
        try quitToShell(t)
        let end = try ttyCheck(t, "TTY-end")
        XCTAssertTrue(end.contains("TTY-end:same"), end)
        XCTAssertEqual(try t.display("#{alternate_on} #{cursor_flag} #{mouse_any_flag}"), "0 1 0")
    }

    // MARK: helpers

    /// `q`, then waits for the shell's prompt on the normal screen (keys typed earlier would
    /// reach the dashboard).
    func quitToShell(_ t: TmuxSession) throws {
        try t.send("q")
        _ = try t.waitFor("the shell's prompt after quitting") { s in
            (try? t.display("#{alternate_on}")) == "0" && lines(s).last { !$0.isEmpty }?.hasPrefix("sh>") == true
        }
    }

    /// Has the pane's shell print `LABEL:same` when its terminal modes are what they were
    /// before the dashboard (`$B`), else `LABEL:changed`; the screen once it did. (The
    /// command line typed holds neither answer.)
    func ttyCheck(_ t: TmuxSession, _ label: String) throws -> String {
        try t.send("-l", #"[ "$(stty -g)" = "$B" ] && R=same || R=changed; echo \#(label):$R"#)
        try t.send("Enter")
        return try t.waitFor("the shell's answer \(label)") { $0.contains("\(label):same") || $0.contains("\(label):changed") }
    }

    /// The `factory` process the pane's shell runs.
    func dashboardPid(_ t: TmuxSession, file: StaticString = #filePath, line: UInt = #line) throws -> pid_t {
        let pane = try t.display("#{pane_pid}")
        let children = (try? String(contentsOfFile: "/proc/\(pane)/task/\(pane)/children", encoding: .utf8)) ?? ""
        guard let pid = children.split(separator: " ").compactMap({ pid_t($0) }).first else {
            XCTFail("no dashboard process under the pane's shell \(pane)", file: file, line: line)
            throw TmuxError.timedOut("the dashboard process")
        }
        return pid
    }

    /// An interactive bash (job control on) in a new tmux server, with `$F` the factory binary.
    func openShell(width: Int, height: Int) throws -> TmuxSession {
        let env = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            "HOME": root + "/home", "XDG_CONFIG_HOME": root + "/config", "TMPDIR": root + "/tmp",
            "LANG": "C.UTF-8", "TZ": "UTC", "TERM": "xterm-256color", "PS1": "sh> ", "F": Factory.binaryPath,
        ]
        let command = ["env", "-i"] + env.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + ["bash", "--norc", "--noprofile", "-i"]
        let session = try TmuxSession(scratch: scratch)
        trackSession(session)
        try session.start(command, width: width, height: height, cwd: root)
        _ = try session.waitFor("the shell's prompt") { $0.contains("sh>") }
        return session
    }
}

extension DashboardTmuxTests {
    /// SIGSTOP cannot be caught, so the terminal stays the dashboard's and the shell writes
    /// over it; on `fg` (SIGCONT) every cell is drawn again.
    func testAStopFromOutsideThenContinueRedrawsWhole() throws {
        let t = try openShell(width: 100, height: 30)
        try t.send("-l", #"B=$(stty -g); "$F" demo"#)
        try t.send("Enter")
        _ = try t.waitFor("the dashboard") { $0.contains("plan awaits you") && $0.contains("┌ agents") }
        kill(try dashboardPid(t), SIGSTOP)
        _ = try t.waitFor("the shell noticing the stop") { $0.contains("Stopped") }
        try t.send("-l", "fg")
        try t.send("Enter")
        let back = try t.waitFor("the dashboard drawn whole again") { s in
            !s.contains("Stopped") && ["┌ factory", "┌ agents", "┌ messages", "plan awaits you", "⚑"].allSatisfy(s.contains)
        }
        assertSane(back, width: 100, height: 30)
        try quitToShell(t)
        let end = try ttyCheck(t, "TTY-end")
        XCTAssertTrue(end.contains("TTY-end:same"), end)
        XCTAssertEqual(try t.display("#{alternate_on} #{cursor_flag} #{mouse_any_flag}"), "0 1 0")
    }
}
