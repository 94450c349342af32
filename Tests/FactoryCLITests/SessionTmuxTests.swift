import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest
import FactoryEngine

/// Agents in terminal sessions (`session: tmux`), in a real terminal: attached to with `o`
/// and back, typed into with `factory send`, and still there after the dashboard is killed.
extension DashboardTmuxTests {
    /// A factory whose builder runs in a terminal session: a small interactive program that
    /// answers each line it reads.
    private func sessionFactory() throws -> String {
        let repo = try makeSimRepo()
        let role = """
        ---
        command: ["bash", "-c", "echo ready; while read -r line; do echo \\"heard: $line\\"; done"]
        session: tmux
        ---
        # builder

        """
        try role.write(toFile: repo + "/agents/builder.md", atomically: true, encoding: .utf8)
        addTeardownBlock {
            _ = try? self.factory(["kill", "builder"], cwd: repo)
            _ = ProcessRunner.run(["tmux", "-L", TerminalSessions(root: repo).socket, "kill-server"])
        }
        return repo
    }

    func testAttachingToASessionAndComingBackLeavesTheDashboardAsItWas() throws {
        let repo = try sessionFactory()
        let t = try open([], width: 160, height: 40, cwd: repo)
        try t.waitFor("the dashboard") { $0.contains("┌ agents") }
        try t.send("j")
        try t.press("s")
        try t.waitFor("the builder running") { $0.contains("started") || $0.range(of: "builder +running", options: .regularExpression) != nil }
        try t.waitFor("the builder selected and running") { $0.contains("builder") && $0.contains("running") }
        // m on an agent in a session types into its terminal (Tab would also record it).
        try t.press("m")
        try t.waitFor("the typing prompt") { $0.contains("Type into builder's terminal (Tab: also record): ") }
        try t.send("-l", "via m")
        try t.send("Enter")
        try t.waitFor("the line typed") { $0.contains("typed into builder's terminal") }
        try t.waitFor("the session's last line as the builder's step") { lines($0).contains { $0.contains("builder") && $0.contains("heard: via m") } }
        try t.send("o")
        try t.waitFor("the builder's session, with the way back") {
            $0.contains("ready") && $0.contains("heard: via m") && $0.contains("Ctrl-] (or Ctrl-b d) returns to factory")
        }
        try t.send("-l", "ping")
        try t.send("Enter")
        try t.waitFor("the agent answering what was typed") { $0.contains("heard: ping") }
        // The terminal resized while attached: the session follows it.
        let json = try ok("status", "--json", cwd: repo).stdout
        let socket = try XCTUnwrap(json.firstMatch(of: /"socket" : "([^"]+)"/).map { String($0.1) }, json)
        try t.resize(width: 100, height: 30)
        try waitUntil("the attached client at the new size") {
            let clients = ProcessRunner.run(["tmux", "-L", socket, "list-clients", "-F", "#{client_width}x#{client_height}"]).stdout
            return clients.contains("100x30")
        }
        try t.send("C-]")
        try t.waitFor("the dashboard back") { $0.contains("┌ agents") && $0.contains("back from builder's session") }
        try t.send("Enter")
        try t.waitFor("the builder's detail, its screen: the selection is where it was") {
            $0.contains("┌ builder ·") && $0.contains("screen (o opens it)") && lines($0).contains { $0.contains("│heard: via m") }
        }
        try t.send("q")
        XCTAssertEqual(try t.waitForExit().status, 0)
    }

    func testASessionOutlivesAKilledDashboardAndIsTypedIntoFromAShell() throws {
        let repo = try sessionFactory()
        let first = try open([], width: 120, height: 40, cwd: repo)
        try first.waitFor("the dashboard") { $0.contains("┌ agents") }
        try ok("spawn", "builder", cwd: repo)
        try first.waitFor("the builder running") { $0.contains("running") }
        let pid = try XCTUnwrap(Int32(try first.display("#{pane_pid}").trimmingCharacters(in: .whitespacesAndNewlines)))
        let children = ((try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? "").split(separator: " ")
        let dashboard = try XCTUnwrap(children.first.flatMap { Int32($0) }, "the dashboard under the pane's shell")
        kill(dashboard, SIGKILL)
        let second = try open([], width: 120, height: 40, cwd: repo)
        try second.waitFor("the builder re-adopted, still running") { $0.contains("┌ agents") && $0.contains("running") }
        XCTAssertEqual(try ok("send", "builder", "after the restart", cwd: repo).stdout, "typed into builder's terminal\n")
        let status = try ok("status", "--json", cwd: repo).stdout
        XCTAssertTrue(status.contains("\"running\""), status)
        try second.send("j")
        try second.send("o")
        try second.waitFor("what was typed, in the session") { $0.contains("heard: after the restart") }
        try second.send("C-]")
        try second.waitFor("the dashboard back") { $0.contains("┌ agents") }
        try second.send("q")
        XCTAssertEqual(try second.waitForExit().status, 0)
    }

    /// An agent in a session that fails says why on its screen, not in a log: the screen it
    /// ended on is kept in its log.
    func testTheScreenASessionEndedOnIsInTheLog() throws {
        let repo = try makeSimRepo()
        let role = "---\ncommand: [\"sh\", \"-c\", \"echo 'Unable to connect to the model'; exit 3\"]\nsession: tmux\n---\n# builder\n"
        try role.write(toFile: repo + "/agents/builder.md", atomically: true, encoding: .utf8)
        try ok("spawn", "builder", cwd: repo)
        let log = repo + "/.agent-comms/logs/builder.log"
        let deadline = Date().addingTimeInterval(10)
        func text() -> String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        while !text().contains("Unable to connect") && Date() < deadline { usleep(50_000) }
        XCTAssertTrue(text().contains("── factory: the session's screen when builder's agent ended ──\nUnable to connect to the model"), text())
        let exit = try String(contentsOfFile: repo + "/.agent-comms/run/builder/exit.json", encoding: .utf8)
        XCTAssertTrue(exit.contains("\"code\":3"), exit)
    }

    func testAgentsWithoutASessionSaySo() throws {
        let repo = try makeSimRepo()
        let r = try factory(["attach", "builder"], cwd: repo)
        XCTAssertEqual(r.status, 1, r.summary)
        XCTAssertEqual(r.stderr, "Error: builder has no terminal session (session: tmux in agents/builder.md gives it one, when it runs)\n")
        let s = try factory(["send", "builder", "hi"], cwd: repo)
        XCTAssertEqual(s.stderr, "Error: builder has no terminal session (session: tmux in agents/builder.md gives it one, when it runs)\n")
        try "---\ncommand: [\"bash\"]\nsession: tmux\n---\n# builder\n".write(toFile: repo + "/agents/builder.md", atomically: true, encoding: .utf8)
        let idle = try factory(["attach", "builder"], cwd: repo)
        XCTAssertEqual(idle.stderr, "Error: builder is not running: s (or factory spawn builder) starts it in its session\n")
    }
}
