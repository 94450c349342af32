@testable import Dashboard
@testable import FactoryEngine
import Foundation
import PlanDocument
import TextWidth
import XCTest

/// The agent detail and the costs, drawn into in-memory canvases and compared whole: a feed
/// that follows, one held while lines arrive, the rule between attempts, a protocol agent's
/// activity and cost; and the frame around them at common and tiny sizes.
final class DetailRenderTests: XCTestCase {
    override func setUp() {
        super.setUp()
        // Attempt rules show the local time: the same everywhere for the tests.
        setenv("TZ", "UTC", 1)
        tzset()
    }

    /// 2026-11-25 14:02 UTC.
    let started = 1_795_528_920.0

    func agent(_ role: String = "builder", state: AgentState = .running, attempts: Int = 2,
               cost: Double = 0, tokens: (Int, Int) = (0, 0), step: String? = nil) -> AgentSnapshot {
        let worktree = WorktreeSummary(path: "worktrees/\(role)", health: .ok, problem: nil, branch: "agent/\(role)", head: "abc1234",
                                       subject: "x", dirty: 0, ahead: 1, behind: 0, lastActivity: 1_000_000)
        var agent = AgentSnapshot(role: role, state: state, pid: 42, exitCode: nil, startedAt: nil, attempts: attempts,
                                  tasks: TaskCounts(done: 1, total: 2), worktree: worktree, external: [])
        agent.costUSD = cost
        agent.tokens = AgentSnapshot.Tokens(input: tokens.0, output: tokens.1)
        agent.activity = step
        return agent
    }

    /// `line 1` … `line 20` of a first attempt, then the second attempt's `line 21` … `line N`.
    func twoAttempts(upTo last: Int = 25) -> FeedBuffer {
        var feed = FeedBuffer(limit: 1000)
        feed.append(.attempt(AttemptMark(attempt: 1, phase: "implementation", startedAt: started - 120)))
        feed.append(contentsOf: (1...20).map { .log("line \($0)") })
        feed.append(.attempt(AttemptMark(attempt: 2, phase: "implementation", startedAt: started)))
        feed.append(contentsOf: (21...last).map { .log("line \($0)") })
        return feed
    }

    func detail(_ feed: FeedBuffer, source: AgentDetail.Source = .log, openLine: String? = nil) -> AgentDetail {
        AgentDetail(role: "builder", source: source, feed: feed, openLine: openLine,
                    diffStat: [" src/greeting.txt | 1 +", " 1 file changed, 1 insertion(+)"],
                    commits: ["abc1234 T1: Add a greeting", "def5678 Start"])
    }

    /// The pane alone on a canvas of its size.
    func pane(_ detail: AgentDetail?, _ agent: AgentSnapshot, _ scroll: FeedScroll = FeedScroll(), width: Int = 60, height: Int = 14) -> [String] {
        var canvas = Canvas(width: width, height: height)
        DetailPane.draw(detail, agent: agent, scroll: scroll, focused: true, in: Rect(x: 0, y: 0, width: width, height: height), on: &canvas)
        return canvas.lines
    }

    /// A box of `width` columns around `rows`, with `top` and `bottom` as its edges.
    func boxed(_ top: String, _ rows: [String], _ bottom: String = "", width: Int = 60) -> [String] {
        func edge(_ left: String, _ text: String, _ right: String) -> String {
            left + text + String(repeating: "─", count: width - 2 - TextWidth.columns(of: text)) + right
        }
        return [edge("┌", top, "┐")] + rows.map { "│" + $0 + String(repeating: " ", count: width - 2 - TextWidth.columns(of: $0)) + "│" }
            + [edge("└", bottom, "┘")]
    }

    func rule(_ text: String, width: Int = 58) -> String {
        text + String(repeating: "─", count: width - TextWidth.columns(of: text))
    }

    // MARK: - the pane

    func testAFollowingLogShowsItsNewestLinesWithARuleBetweenAttempts() {
        XCTAssertEqual(pane(detail(twoAttempts()), agent()), boxed(" builder · follow · Enter to close ", [
            "running · attempt 2",
            "commits  abc1234 T1: Add a greeting (+1)",
            "changes  1 file changed, 1 insertion(+)",
            "log",
            "line 19",
            "line 20",
            rule("── attempt 2 · implementation · started 14:02 "),
            "line 21", "line 22", "line 23", "line 24", "line 25",
        ]))
    }

    /// The log's unfinished last line shows while following.
    func testTheOpenLineEndsAFollowingLog() {
        let rows = pane(detail(twoAttempts(), openLine: "compiling…"), agent())
        XCTAssertEqual(rows[11], "│line 25" + String(repeating: " ", count: 51) + "│")
        XCTAssertEqual(rows[12], "│compiling…" + String(repeating: " ", count: 48) + "│")
    }

    /// Held: new lines do not move what is read; the bottom border says what came since.
    func testAHeldViewStaysPutWhileLinesArrive() {
        var scroll = FeedScroll()
        let before = twoAttempts()
        scroll.scroll(by: -10, first: before.firstNumber, end: before.endNumber, rows: 8)
        let held = [
            "running · attempt 2",
            "commits  abc1234 T1: Add a greeting (+1)",
            "changes  1 file changed, 1 insertion(+)",
            "log",
            "line 9", "line 10", "line 11", "line 12", "line 13", "line 14", "line 15", "line 16",
        ]
        XCTAssertEqual(pane(detail(before), agent(), scroll), boxed(" builder · paused · Enter to close ", held, "─ 10 below · G to follow "))
        XCTAssertEqual(pane(detail(twoAttempts(upTo: 37)), agent(), scroll),
                       boxed(" builder · paused · Enter to close ", held, "─ 12 new lines · 22 below · G to follow "))
        // Scrolled back down to the newest line, it follows again.
        let after = twoAttempts(upTo: 37)
        scroll.scroll(by: 100, first: after.firstNumber, end: after.endNumber, rows: 8)
        XCTAssertTrue(scroll.isFollowing)
        XCTAssertEqual(pane(detail(after), agent(), scroll)[12], "│line 37" + String(repeating: " ", count: 51) + "│")
    }

    func testScrollingByLinesPagesTopAndBottom() {
        let feed = twoAttempts() // lines 0..<27
        var scroll = FeedScroll()
        XCTAssertEqual(scroll.firstShown(first: 0, end: feed.endNumber, rows: 8), 19)
        scroll.scroll(by: -1, first: 0, end: 27, rows: 8)
        XCTAssertEqual(scroll.top, 18)
        XCTAssertEqual(scroll.seenEnd, 27)
        scroll.scroll(by: -8, first: 0, end: 27, rows: 8)
        XCTAssertEqual(scroll.top, 10, "a page")
        scroll.scroll(by: -1_000_000, first: 0, end: 27, rows: 8)
        XCTAssertEqual(scroll.top, 0, "the top")
        scroll.scroll(by: 1, first: 0, end: 40, rows: 8)
        XCTAssertEqual(scroll.top, 1)
        XCTAssertEqual(scroll.seenEnd, 27, "what was seen stays what was seen while held")
        XCTAssertEqual(scroll.firstShown(first: 5, end: 40, rows: 8), 5, "lines dropped from the front: the oldest kept")
        scroll.scroll(by: 1_000_000, first: 0, end: 40, rows: 8)
        XCTAssertTrue(scroll.isFollowing, "the bottom follows again")
        scroll.scroll(by: -1, first: 0, end: 5, rows: 8)
        XCTAssertTrue(scroll.isFollowing, "a feed that fits has nowhere to scroll")
        scroll.toggle(first: 0, end: 27, rows: 8)
        XCTAssertEqual(scroll.top, 19, "f holds the view where it is")
        scroll.toggle(first: 0, end: 27, rows: 8)
        XCTAssertTrue(scroll.isFollowing)
    }

    /// A protocol agent: tokens and cost in the header, its activity as the feed.
    func testAProtocolAgentShowsItsActivityTokensAndCost() {
        var feed = FeedBuffer(limit: 100)
        feed.append(contentsOf: [
            .attempt(AttemptMark(attempt: 1, phase: "implementation", startedAt: started)),
            .activity(.text("I will run the tests.\nThen fix them.")),
            .activity(.thinking(firstLine: "which tests?", length: 400)),
            .activity(.toolCall(tool: "Bash", toolUseID: "t1", summary: "Bash: swift test")),
            .activity(.toolResult(toolUseID: "t1", ok: false, firstLine: "error: 2 tests failed")),
            .activity(.toolCall(tool: "Edit", toolUseID: "t2", summary: "Edit Sources/App.swift")),
            .activity(.toolResult(toolUseID: "t2", ok: true, firstLine: "edited")),
            .activity(.error("model call failed: overloaded")),
            .activity(.result(ok: true, turns: 3, costUSD: 0.0123)),
        ])
        let protocolAgent = agent(state: .idle, attempts: 1, cost: 0.0123, tokens: (12_345, 4_567))
        XCTAssertEqual(pane(detail(feed, source: .activity), protocolAgent, height: 20), boxed(" builder · follow · Enter to close ", [
            "idle · attempt 1 · $0.0123 · 12.3k in · 4.6k out",
            "commits",
            "  abc1234 T1: Add a greeting",
            "  def5678 Start",
            "changes  1 file changed, 1 insertion(+)",
            "   src/greeting.txt | 1 +",
            "activity",
            rule("── attempt 1 · implementation · started 14:02 "),
            "I will run the tests.",
            "thinking: which tests?",
            "→ Bash: swift test",
            "  ✗ error: 2 tests failed",
            "→ Edit Sources/App.swift",
            "  ✓ edited",
            "error: model call failed: overloaded",
            "done after 3 turns · $0.0123",
            "", "",
        ]))
    }

    /// Before the first read, and with nothing yet, the pane says so; a problem comes first.
    func testReadingNothingYetAndAProblem() {
        var failed = agent(state: .failed)
        failed.problem = "cannot start claude: No such file or directory"
        let rows = pane(nil, failed, height: 6)
        XCTAssertEqual(Array(rows[1...3]), [
            "│failed · attempt 2" + String(repeating: " ", count: 40) + "│",
            "│last run: cannot start claude: No such file or directory  │",
            "│reading…" + String(repeating: " ", count: 50) + "│",
        ])
        XCTAssertTrue(pane(detail(FeedBuffer(limit: 10)), agent()).contains { $0.hasPrefix("│(no output yet)") })
    }

    /// An agent's log is data: escapes are shown, never sent.
    func testHostileLogLinesAreShownNotObeyed() {
        var feed = FeedBuffer(limit: 10)
        feed.append(.log("evil \u{1B}]2;PWNED\u{07} \u{1B}[2J \u{202E}abc"))
        let text = pane(detail(feed), agent()).joined(separator: "\n")
        XCTAssertTrue(text.contains("evil ^[]2;PWNED^G ^[[2J <U+202E>abc"), text)
        XCTAssertFalse(text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) || $0 == "\u{202E}" })
    }

    // MARK: - the frame

    func snapshot(agents: [AgentSnapshot]? = nil) -> Snapshot {
        let all = agents ?? Role.all.map { role in
            role == "builder" ? agent(state: .working, cost: 0.0123, tokens: (12_345, 4_567), step: "Bash: swift test")
                : AgentSnapshot(role: role, state: .notStarted, pid: nil, exitCode: nil, startedAt: nil, attempts: 0,
                                tasks: TaskCounts(done: 0, total: 0), worktree: nil, external: [])
        }
        var snap = Snapshot(phase: .implementation, feature: "Add a greeting", agents: all, attention: [], tasks: TaskCounts(done: 0, total: 0),
                            blockedReason: nil, conflicts: [], plan: PlanDocument(PlanTemplate.text()).view, time: 1_000_030)
        snap.spentByPhase = ["planning": 0.12]
        return snap
    }

    func frame(_ width: Int, _ height: Int, scroll: FeedScroll = FeedScroll()) throws -> Canvas {
        var ui = UIState()
        ui.selectedAgent = 1
        ui.detailOpen = true
        ui.focus = .detail
        ui.detailScroll = scroll
        return Frame.render(snapshot(), ui, detail: detail(twoAttempts(), source: .log), keymap: try Keymap(), width: width, height: height)
    }

    /// The rows of `rect` on `canvas`.
    func region(_ canvas: Canvas, _ rect: Rect) -> [String] {
        (rect.y..<rect.maxY).map { y in
            var row = ""
            for x in rect.x..<rect.maxX where !canvas[x, y].continuation { row += canvas[x, y].text }
            return row
        }
    }

    func assertFits(_ canvas: Canvas, file: StaticString = #filePath, line: UInt = #line) {
        for (y, row) in canvas.lines.enumerated() {
            XCTAssertEqual(TextWidth.columns(of: row), canvas.width, "row \(y): \(row)", file: file, line: line)
        }
    }

    /// 80×24: the detail in the tasks pane's place, its feed following; the cost in the
    /// pipeline's border; the status bar's keys are the detail's.
    func testTheDetailAt80x24() throws {
        let canvas = try frame(80, 24)
        assertFits(canvas)
        let rect = Layout.make(width: 80, height: 24, focus: .detail).tasks
        XCTAssertEqual(rect, Rect(x: 0, y: 11, width: 44, height: 12))
        XCTAssertEqual(region(canvas, rect), boxed(" builder · follow · Enter to close ", [
            "working · attempt 2 · $0.0123 · 12.3k in …",
            "commits  abc1234 T1: Add a greeting (+1)",
            "changes  1 file changed, 1 insertion(+)",
            "log",
            rule("── attempt 2 · started 14:02 ", width: 42),
            "line 21", "line 22", "line 23", "line 24", "line 25",
        ], width: 44))
        XCTAssertEqual(canvas.lines[0], "┌ factory " + String(repeating: "─", count: 38) + " spent $0.1200 (plan $0.1200) ─┐")
        XCTAssertTrue(canvas.lines[23].hasPrefix(" k/j/PgUp/PgDn scroll · g top · G follow · f hold · Enter close"), canvas.lines[23])
    }

    /// 120×40: more room, so the commits and changes are listed; held, the note shows.
    func testTheDetailAt120x40() throws {
        var scroll = FeedScroll()
        scroll.scroll(by: -5, first: 0, end: 27, rows: 16)
        let canvas = try frame(120, 40, scroll: scroll)
        assertFits(canvas)
        let rect = Layout.make(width: 120, height: 40, focus: .detail).tasks
        XCTAssertEqual(rect, Rect(x: 0, y: 11, width: 66, height: 28))
        XCTAssertEqual(region(canvas, rect), boxed(" builder · paused · Enter to close ", [
            "working · attempt 2 · $0.0123 · 12.3k in · 4.6k out",
            "commits",
            "  abc1234 T1: Add a greeting",
            "  def5678 Start",
            "changes  1 file changed, 1 insertion(+)",
            "   src/greeting.txt | 1 +",
            "log",
        ] + (6...20).map { "line \($0)" } + [rule("── attempt 2 · implementation · started 14:02 ", width: 64)] + (21...23).map { "line \($0)" },
            "─ 2 below · G to follow ", width: 66))
        let builderRow = canvas.lines[5]
        XCTAssertTrue(builderRow.contains("<1m ago  $0.012│"), "the agents pane's cost, in three decimals: \(builderRow)")
    }

    /// Small terminals show one pane: the detail, when it has the focus, with what its
    /// height affords; below the minimum, the notice.
    func testTheDetailOnTinyTerminals() throws {
        let single = try frame(50, 14)
        assertFits(single)
        XCTAssertEqual(region(single, Rect(x: 0, y: 3, width: 50, height: 10)), boxed(" builder · follow · Enter to close ", [
            "working · attempt 2 · $0.0123 · 12.3k in · 4.6k…",
            "log",
            rule("── attempt 2 · implementation · started 14:02 ", width: 48),
            "line 21", "line 22", "line 23", "line 24", "line 25",
        ], width: 50))
        let smallest = try frame(40, 10)
        assertFits(smallest)
        XCTAssertEqual(region(smallest, Rect(x: 0, y: 3, width: 40, height: 6)), boxed(" builder · follow · Enter to close ", [
            "working · attempt 2 · $0.0123 · 12.3k…",
            "line 23", "line 24", "line 25",
        ], width: 40))
        XCTAssertTrue(try frame(30, 8).lines.joined().contains("terminal too small"))
    }

    func testTheHelpNamesTheDetailsKeys() throws {
        let lines = try Keymap().helpLines
        XCTAssertTrue(lines.contains { $0.hasPrefix("PgUp ") && $0.hasSuffix("a page back") }, lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains { $0.hasPrefix("PgDn ") && $0.hasSuffix("a page on") })
        XCTAssertTrue(lines.contains { $0.hasPrefix("End G ") && $0.hasSuffix("bottom / newest, and follow") })
        let keys = try Keymap()
        XCTAssertEqual(keys.action(for: .code(Keymap.keyPageUp)), .pageUp)
        XCTAssertEqual(keys.action(for: .code(Keymap.keyPageDown)), .pageDown)
        XCTAssertEqual(try Keymap(overrides: "page_up = b").action(for: .char("b")), .pageUp)
    }

    /// One binding table, and no key in it twice: the detail's keys take nothing from the
    /// rest of the dashboard.
    func testNoKeyIsBoundTwice() {
        let keys = Keymap.defaults.compactMap { Keymap.key(named: $0.0) }
        XCTAssertEqual(keys.count, Keymap.defaults.count, "every default names a key")
        XCTAssertEqual(Set(keys).count, keys.count, "\(Keymap.defaults.map(\.0))")
    }
}
