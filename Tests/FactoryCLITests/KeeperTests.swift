import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// Agents that are ordinary programs, under the dashboard in a real terminal: they cannot
/// reach the terminal, and they outlive the dashboard and the engine without losing output
/// or their exit status.
extension DashboardTmuxTests {
    /// An agent that writes escapes to /dev/tty leaves the screen and the pane title alone.
    func testAnAgentCannotWriteToTheTerminal() throws {
        let repo = try makeFactory(architect: #"printf '\033[2J\033]0;PWNED\007' > /dev/tty; echo "tty status $?"; sleep 30"#)
        try ok("start", "Hostile agent", cwd: repo)
        let t = try open([], width: 120, height: 40, cwd: repo)
        try t.waitFor("the dashboard") { $0.contains("┌ agents") }
        let log = repo + "/.agent-comms/logs/architect.log"
        try waitUntil("the architect to try /dev/tty") { (try? String(contentsOfFile: log, encoding: .utf8))?.contains("tty status") ?? false }
        let written = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        XCTAssertFalse(written.contains("tty status 0"), "opening /dev/tty failed for the agent:\n\(written)")
        XCTAssertNotEqual(try t.display("#{pane_title}"), "PWNED", "the agent did not set the terminal's title")
        let screen = try t.capture()
        XCTAssertTrue(screen.contains("┌ agents") && screen.contains("┌ factory"), "the dashboard is still drawn:\n\(screen)")
        try t.send("q")
        XCTAssertEqual(try t.waitForExit().status, 0)
    }

    /// After `q` the agent goes on printing: every line reaches its log, and its exit status
    /// is known to the next factory.
    func testAnAgentOutlivesTheDashboardWithoutLosingOutput() throws {
        let repo = try makeFactory(architect: Self.slowPrinter)
        try ok("start", "Outlive the dashboard", cwd: repo)
        let t = try open([], width: 120, height: 40, cwd: repo)
        try t.waitFor("the dashboard") { $0.contains("┌ agents") }
        let log = repo + "/.agent-comms/logs/architect.log"
        try waitUntil("the first lines") { (try? String(contentsOfFile: log, encoding: .utf8))?.contains("line 3\n") ?? false }
        try t.send("q")
        XCTAssertEqual(try t.waitForExit().status, 0)
        try assertFinishedWholly(repo)
    }

    /// The same when the engine is killed with SIGKILL.
    func testAnAgentOutlivesAKilledEngine() throws {
        let repo = try makeFactory(architect: Self.slowPrinter)
        try ok("start", "Outlive the engine", cwd: repo)
        let engine = try startDriver(in: repo)
        let log = repo + "/.agent-comms/logs/architect.log"
        try waitUntil("the first lines") { (try? String(contentsOfFile: log, encoding: .utf8))?.contains("line 3\n") ?? false }
        kill(engine.processIdentifier, SIGKILL)
        engine.waitUntilExit()
        try assertFinishedWholly(repo)
    }

    // MARK: helpers

    /// Prints 40 numbered lines over two seconds, then exits with status 7.
    static let slowPrinter = #"i=0; while [ $i -lt 40 ]; do i=$((i+1)); echo "line $i"; sleep 0.05; done; exit 7"#

    /// Waits for the slow printer to end, then checks its log and what `status` says of it.
    func assertFinishedWholly(_ repo: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let logPath = repo + "/.agent-comms/logs/architect.log"
        let expected = (1...40).map { "line \($0)\n" }.joined()
        // The printer needs two seconds; its last line comes then or never.
        try? waitUntil("the last line", timeout: 8, failing: false) { (try? String(contentsOfFile: logPath, encoding: .utf8))?.hasSuffix(expected) ?? false }
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        XCTAssertTrue(log.hasSuffix(expected), "every line, in order, in the log:\n\(log)", file: file, line: line)
        let exitRecord = repo + "/.agent-comms/run/architect/exit.json"
        try waitUntil("the architect's exit record", timeout: 15) { FileManager.default.fileExists(atPath: exitRecord) }
        let status = try factory(["status", "--json"], cwd: repo)
        XCTAssertEqual(status.status, 0, status.summary, file: file, line: line)
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let architect = (json?["agents"] as? [[String: Any]])?.first { $0["role"] as? String == "architect" }
        XCTAssertEqual(architect?["exitCode"] as? Int, 7, "the exit status is known after the restart: \(status.stdout)", file: file, line: line)
        XCTAssertEqual(architect?["state"] as? String, "failed", file: file, line: line)
    }

    /// A git repository with a sim factory whose architect runs `script` under sh.
    func makeFactory(architect script: String) throws -> String {
        let repo = root + "/repo"
        try FileManager.default.createDirectory(atPath: repo, withIntermediateDirectories: true)
        for args in [["init", "--quiet", "--initial-branch=main"], ["config", "user.name", "t"], ["config", "user.email", "t@t"],
                     ["commit", "--quiet", "--allow-empty", "-m", "first"]] {
            XCTAssertEqual(try run(["git"] + args, cwd: repo), 0)
        }
        try ok("init", "--preset", "sim", cwd: repo)
        let escaped = script.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        let role = "---\nphase: planning\ncommand: [\"sh\", \"-c\", \"\(escaped)\"]\nretries: 0\n---\nYou are the architect.\n"
        try role.write(toFile: repo + "/agents/architect.md", atomically: true, encoding: .utf8)
        return repo
    }

    func run(_ argv: [String], cwd: String) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = argv
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    func waitUntil(_ what: String, timeout: Double = 10, failing: Bool = true, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            guard Date() < deadline else {
                if failing { XCTFail("timed out after \(timeout) s waiting for \(what)") }
                throw CLIHarnessError.timedOut([what])
            }
            usleep(20_000)
        }
    }
}

extension DashboardTmuxTests {
    /// A dashboard watching another engine takes over when that engine is killed, says so,
    /// and `a` then moves the pipeline.
    func testAWatchingDashboardTakesOverWhenTheDriverDies() throws {
        let repo = try makeSimRepo()
        let driver = try startDriver(in: repo)
        try ok("start", "Take over", cwd: repo)
        let t = try open([], width: 120, height: 40, cwd: repo)
        try t.waitFor("the plan at the gate", timeout: 20) { $0.contains("plan awaits you") }
        kill(driver.processIdentifier, SIGKILL)
        driver.waitUntilExit()
        try t.waitFor("the takeover notice", timeout: 3) { $0.contains("driving now: the factory that drove has stopped") }
        XCTAssertEqual(try ok("tell", "architect", "after the takeover", cwd: repo).stdout, "message sent to architect\n",
                       "commands from other shells reach the new driver")
        try t.waitFor("the message, seen by the new driver") { $0.contains("after the takeover") }
        // PLAN.md written by another process is still watched after the takeover.
        try ok("say", "--from", "builder", "--to", "tester", "written from outside", cwd: repo)
        try t.waitFor("the outside message") { $0.contains("written from outside") }
        try t.press("a")
        try t.waitFor("the pipeline to finish", timeout: 40) { $0.contains("done — merged into main") }
        try t.send("q")
        XCTAssertEqual(try t.waitForExit().status, 0)
    }
}
