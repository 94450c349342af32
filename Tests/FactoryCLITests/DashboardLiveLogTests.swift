import Foundation
import XCTest

/// The detail view (Enter on an agent) in a real terminal shows what a plain-text agent
/// prints while it prints it, and shows it as text: nothing the agent writes acts on the
/// terminal.
extension DashboardTmuxTests {
    /// An agent prints a line, waits (nothing else changes), prints another: each shows in
    /// the open detail view as it is written, not when the agent ends.
    func testTheDetailViewFollowsTheLogAsItIsWritten() throws {
        let repo = try makeSimRepo()
        // In the factory's folder: the agent, confined, sees its own /tmp, not the test's.
        let go = repo + "/.agent-comms/go"
        try editRole(repo, "builder") {
            $0.replacingOccurrences(of: "preset: sim", with: #"command: ["sh", "-c", "echo first-line; while [ ! -e \#(go) ]; do sleep 0.05; done; echo second-line; sleep 60"]"#)
        }
        let t = try open([], width: 120, height: 40, cwd: repo)
        try t.waitFor("the dashboard") { $0.contains("┌ agents") && $0.contains("builder") }
        try t.send("j")
        try t.press("s")
        try t.send("Enter")
        let first = try t.waitFor("the first line in the detail view", timeout: 20) { $0.contains("┌ builder ·") && $0.contains("Enter to close") && $0.contains("first-line") }
        XCTAssertFalse(first.contains("second-line"), first)
        XCTAssertTrue(FileManager.default.createFile(atPath: go, contents: nil))
        let second = try t.waitFor("the second line, the agent still running", timeout: 5) { $0.contains("second-line") }
        XCTAssertTrue(lines(second).contains { $0.contains("builder") && $0.contains("running") }, "the agent has not ended:\n\(second)")
        _ = try factory(["kill", "builder"], cwd: repo)
        try t.send("q")
        XCTAssertEqual(try t.waitForExit().status, 0)
    }

    /// Real aider as the builder, the fake model streaming its reply slowly: the detail view
    /// shows the reply line by line while aider is still receiving it, then the applied edit.
    func testAidersOutputIsLiveInTheDetailView() throws {
        var servers: [Process] = []
        defer { for server in servers { server.terminate() } }
        let thoughts = (1...6).map { "Step \($0) of the plan.\n" }.joined()
        let (repo, variables) = try aiderFactory("Greet the user", [
            ["match": "Greet the user", "chunk": 8, "delay": 0.25, "text": thoughts + "\nhello.txt\n```\nHello from aider\n```\n"],
            ["match": "commit message", "text": "Add hello.txt with a greeting"],
        ], keeping: &servers)
        let t = try openOnBuilderDetail(repo, variables)
        let early = try t.waitFor("aider's first line", timeout: 120) { $0.contains("Step 1 of the plan.") }
        XCTAssertFalse(early.contains("Step 6 of the plan."), "the first line shows before the reply is all there:\n\(early)")
        let middle = try t.waitFor("aider's third line", timeout: 30) { $0.contains("Step 3 of the plan.") }
        XCTAssertFalse(middle.contains("Applied edit to hello.txt"), "aider is still streaming:\n\(middle)")
        XCTAssertTrue(lines(middle).contains { $0.contains("builder") && $0.contains("running") }, middle)
        let done = try t.waitFor("the applied edit", timeout: 60) { $0.contains("Applied edit to hello.txt") }
        assertSane(done, width: 160, height: 40)
        try t.send("q")
        XCTAssertEqual(try t.waitForExit().status, 0)
    }

    /// Escapes in what aider prints (the model's text reaches its output as it is) are
    /// shown in the detail view as visible escapes: the terminal's title is not set, nothing
    /// is cleared, no colour is taken from them.
    func testEscapesInAidersOutputAreShownNotObeyed() throws {
        var servers: [Process] = []
        defer { for server in servers { server.terminate() } }
        let hostile = "Colour \u{1B}[31mred\u{1B}[0m, title \u{1B}]2;PWNED\u{07} and clear \u{1B}[2J end of prose.\n"
        let (repo, variables) = try aiderFactory("Greet the user", [
            ["match": "Greet the user", "text": hostile + "\nhello.txt\n```\nHello from aider\n```\n"],
            ["match": "commit message", "text": "Add hello.txt with a greeting"],
        ], keeping: &servers)
        let t = try openOnBuilderDetail(repo, variables)
        let title = try t.display("#{pane_title}")
        let screen = try t.waitFor("aider's output", timeout: 120) { $0.contains("Applied edit to hello.txt") && $0.contains("end of prose.") }
        let log = (try? String(contentsOfFile: repo + "/.agent-comms/logs/builder.log", encoding: .utf8)) ?? ""
        XCTAssertTrue(log.contains("\u{1B}]2;PWNED\u{07}") && log.contains("\u{1B}[2J"), "the raw escapes reached the agent's log:\n\(log)")
        XCTAssertEqual(try t.display("#{pane_title}"), title, "the terminal's title is unchanged")
        let row = lines(screen).first { $0.contains("end of prose.") } ?? ""
        XCTAssertTrue(row.contains("^[]2;PWNED") && row.contains("^[[2J") && row.contains("^[[31mred"), "the escapes are visible text: \(row)")
        XCTAssertTrue(screen.contains("┌ agents") && screen.contains("┌ builder"), "nothing was cleared:\n\(screen)")
        assertSane(screen, width: 160, height: 40)
        let raw = try t.capture(escapes: true)
        XCTAssertFalse(raw.contains("\u{1B}[31mred"), "the agent's colour is not applied")
        try t.send("q")
        XCTAssertEqual(try t.waitForExit().status, 0)
    }

    /// The dashboard on `repo` with aider's variables: the plan approved by key, the
    /// builder selected and its detail view open.
    private func openOnBuilderDetail(_ repo: String, _ variables: [String: String]) throws -> TmuxSession {
        let t = try open([], width: 160, height: 40, extraEnvironment: variables, cwd: repo)
        try t.waitFor("the plan at the gate", timeout: 30) { $0.contains("plan awaits you") }
        try t.press("a")
        try t.waitFor("the builder started", timeout: 30) { lines($0).contains { $0.contains("builder ") && !$0.contains("not_started") } }
        try t.send("j")
        try t.send("Enter")
        try t.waitFor("the builder's detail view") { $0.contains("┌ builder ·") && $0.contains("Enter to close") }
        return t
    }
}
