@testable import Dashboard
import FactoryEngine
import PlanDocument
import TextWidth
import XCTest

/// The plan view and the diff view, drawn whole into in-memory canvases at common and tiny
/// sizes: markdown made readable, tables aligned by display width, hostile text shown
/// inert, diff lines cut at the pane's edge.
final class PlanDiffRenderTests: XCTestCase {
    static let plan = """
    # Project Plan

    **Status:** 🟢 Ready

    ## Objective

    Greet people.

    ---

    ## Design: Add a greeting

    Print a **greeting** with `greet --name`; see [the spec](https://example.com/spec).

    ### Architecture
    - One command, one module
    - [x] Reviewed by **nobody** at all, and this item is long enough to wrap
    1. Then ship it

    | Decision | Choice | Why |
    |----------|--------|-----|
    | Output | stdout | simplest |
    | 名前 | 漢字で | wide \\| cells |

    ```swift
    let x = "**not bold**"
    ```

    ---

    ## Active Tasks

    | ID | Agent | Status | Priority | Description | Depends On |
    |----|-------|--------|----------|-------------|------------|
    | T1 | builder | ⏳ | P0 | Implement: Add a greeting | - |

    ---

    ## Messages

    _No messages yet_

    """

    static let unified = """
    diff --git a/src/greeting.txt b/src/greeting.txt
    new file mode 100644
    index 0000000..1b2c3d4
    --- /dev/null
    +++ b/src/greeting.txt
    @@ -0,0 +1,2 @@
    +Hello from the builder
    +\(String(repeating: "long ", count: 40))end
    diff --git a/README.md b/README.md
    index 1111111..2222222 100644
    --- a/README.md
    +++ b/README.md
    @@ -1,3 +1,3 @@
     # Greeting
    -Old line
    +New line
     Context

    """

    func snapshot(_ phase: Phase = .awaitingApproval, plan: String = PlanDiffRenderTests.plan) -> Snapshot {
        let agents = Role.all.map {
            AgentSnapshot(role: $0, state: $0 == "builder" ? .running : .notStarted, pid: nil, exitCode: nil, startedAt: nil,
                          attempts: 0, tasks: TaskCounts(done: 0, total: 0), worktree: nil, external: [])
        }
        return Snapshot(phase: phase, feature: "Add a greeting", agents: agents, attention: [],
                        tasks: TaskCounts(done: 0, total: 0), blockedReason: nil, conflicts: [], plan: PlanDocument(plan).view, time: 0)
    }

    func reading(_ text: String = PlanDiffRenderTests.plan) -> PlanReading { PlanReading(PlanDocument(text), feature: "Add a greeting") }

    func render(_ view: FullView, top: Int = 0, plan: PlanReading? = nil, diff: AgentDiff? = nil, phase: Phase = .awaitingApproval,
                _ w: Int, _ h: Int) throws -> [String] {
        var ui = UIState()
        ui.view = view
        ui.viewTop = top
        return Frame.render(snapshot(phase), ui, plan: plan, diff: diff, keymap: try Keymap(), width: w, height: h).lines
    }

    // MARK: - the canvas, whole

    /// The pipeline at the top of each size (at the approval gate).
    static let pipeline: [Int: String] = [
        40: "│ ✓ ● approve ○ ○ ○ ○ ○  plan awaits y…│",
        80: "│ ✓ ● approve ○ ○ ○ ○ ○  plan awaits you: [a] approve  [r] reject  Add a greet…│",
        120: "│ ✓ plan ─ ● approve ─ ○ build ─ ○ validate ─ ○ docs ─ ○ merge ─ ○ done  plan awaits you: [a] approve  [r] reject  Add…│",
    ]

    /// A whole `w`×`h` screen at the approval gate (see `fullView`).
    func screen(_ w: Int, _ h: Int, title: String, rows: [String], bottom: String = "", status: String) -> [String] {
        fullView(w, h, pipeline: Self.pipeline[w]!, title: title, rows: rows, bottom: bottom, status: status)
    }

    static let planStatus = " Esc/q close · a approve · r reject · k/j/PgUp/PgDn scroll · g top · G end · ? help"
    static let diffStatus = " Esc/q close · a approve · r reject · k/j/PgUp/PgDn scroll · ]/[ file · g top · G end · ? help"

    /// The design under its title, its list, its table aligned by display width (two CJK
    /// cells as wide as `Decision`), its code kept; then the tasks.
    static let planRows = [
        "Design: Add a greeting",
        "══════════════════════",
        "Print a greeting with greet --name; see the spec.",
        "",
        "Architecture",
        "• One command, one module",
        "☑ Reviewed by nobody at all, and this item is long enough to wrap",
        "1. Then ship it",
        "",
        "Decision │ Choice │ Why",
        "─────────┼────────┼─────────────",
        "Output   │ stdout │ simplest",
        "名前     │ 漢字で │ wide | cells",
        "",
        "```swift",
        "let x = \"**not bold**\"",
        "```",
        "",
        "Active Tasks",
        "════════════",
        "ID │ Agent   │ Status │ Priority │ Description               │ Depends On",
        "───┼─────────┼────────┼──────────┼───────────────────────────┼───────────",
        "T1 │ builder │ ⏳     │ P0       │ Implement: Add a greeting │ -",
    ]

    func testThePlanAt120x40() throws {
        assertLines(try render(.plan, plan: reading(), 120, 40),
                    screen(120, 40, title: "plan · Add a greeting", rows: Self.planRows, status: Self.planStatus))
    }

    func testThePlanAt80x24ScrollsAndStopsAtItsEnd() throws {
        let title = "plan · Add a greeting"
        assertLines(try render(.plan, plan: reading(), 80, 24),
                    screen(80, 24, title: title, rows: Array(Self.planRows.prefix(18)), bottom: "─ 1–18 of 23 ", status: Self.planStatus))
        // Asked past the end, the last page shows.
        assertLines(try render(.plan, top: 100, plan: reading(), 80, 24),
                    screen(80, 24, title: title, rows: Array(Self.planRows.suffix(18)), bottom: "─ 6–23 of 23 ", status: Self.planStatus))
    }

    /// At 40 columns prose wraps (a list item under its text), the table is cut at the edge.
    func testThePlanAt40x12WrapsProseAndCutsTables() throws {
        let title = "plan · Add a greeting"
        let status = Self.planStatus
        assertLines(try render(.plan, plan: reading(), 40, 12),
                    screen(40, 12, title: title, rows: ["Design: Add a greeting", "══════════════════════", "Print a greeting with greet --name;", "see the spec.", "", "Architecture"],
                           bottom: "─ 1–6 of 25 ", status: status))
        assertLines(try render(.plan, top: 6, plan: reading(), 40, 12),
                    screen(40, 12, title: title, rows: ["• One command, one module", "☑ Reviewed by nobody at all, and this", "  item is long enough to wrap", "1. Then ship it", "", "Decision │ Choice │ Why"],
                           bottom: "─ 7–12 of 25 ", status: status))
        assertLines(try render(.plan, top: 22, plan: reading(), 40, 12),
                    screen(40, 12, title: title, rows: ["", "Active Tasks", "════════════", "ID │ Agent   │ Status │ Priority │ De…",
                                                        "───┼─────────┼────────┼──────────┼───…", "T1 │ builder │ ⏳     │ P0       │ Im…"],
                           bottom: "─ 20–25 of 25 ", status: status))
    }

    static let diffRows = [
        "2 files changed  +3 −1",
        "  src/greeting.txt  +2 −0",
        "  README.md         +1 −1",
        "",
        "── src/greeting.txt ",
        "new file mode 100644",
        "index 0000000..1b2c3d4",
        "--- /dev/null",
        "+++ b/src/greeting.txt",
        "@@ -0,0 +1,2 @@",
        "+Hello from the builder",
        "+" + String(repeating: "long ", count: 40) + "end",
        "── README.md ",
        "index 1111111..2222222 100644",
        "--- a/README.md",
        "+++ b/README.md",
        "@@ -1,3 +1,3 @@",
        " # Greeting",
        "-Old line",
        "+New line",
        " Context",
    ]

    /// A file's rule runs across the pane; a long line is cut at the edge with `…`.
    func diffRows(width: Int) -> [String] {
        Self.diffRows.map { row in
            if row.hasPrefix("── ") { return row + String(repeating: "─", count: width - TextWidth.columns(of: row)) }
            if row.hasPrefix("+long") { return String(row.prefix(width - 1)) + "…" }
            return row
        }
    }

    func testTheDiffAt120x40() throws {
        let diff = AgentDiff(role: "builder", unified: Self.unified)
        assertLines(try render(.diff(role: "builder"), diff: diff, 120, 40),
                    screen(120, 40, title: "diff · builder · main...agent/builder", rows: diffRows(width: 118), status: Self.diffStatus))
    }

    func testTheDiffAt80x24And40x12() throws {
        let diff = AgentDiff(role: "builder", unified: Self.unified)
        assertLines(try render(.diff(role: "builder"), diff: diff, 80, 24),
                    screen(80, 24, title: "diff · builder · main...agent/builder", rows: Array(diffRows(width: 78).prefix(18)),
                           bottom: "─ 1–18 of 21 ", status: Self.diffStatus))
        // The second file's rule at the top, as `]` puts it.
        assertLines(try render(.diff(role: "builder"), top: DiffPane.fileRows(diff)[1], diff: diff, 40, 12),
                    screen(40, 12, title: " diff · builder · main...agent/builde…", rows: Array(diffRows(width: 38)[12...17]),
                           bottom: "─ 13–18 of 21 ", status: Self.diffStatus))
    }

    func testTheDiffWhileReadingAndWithNothingChanged() throws {
        let title = "diff · builder · main...agent/builder"
        assertLines(try render(.diff(role: "builder"), 80, 24),
                    screen(80, 24, title: title, rows: ["reading…"], status: Self.diffStatus))
        // Another agent's diff is not this one's.
        assertLines(try render(.diff(role: "builder"), diff: AgentDiff(role: "tester", unified: Self.unified), 80, 24),
                    screen(80, 24, title: title, rows: ["reading…"], status: Self.diffStatus))
        assertLines(try render(.diff(role: "builder"), diff: AgentDiff(role: "builder", unified: ""), 80, 24),
                    screen(80, 24, title: title, rows: ["no changes against main"], status: Self.diffStatus))
    }

    // MARK: - hostile text, verdicts, the cap

    func testHostileTextInThePlanAndTheDiffIsShownNotObeyed() throws {
        let hostile = Self.plan
            .replacingOccurrences(of: "Print a **greeting**", with: "Print \u{1B}]2;PWNED\u{07} a \u{202E}**greeting**")
            .replacingOccurrences(of: "| Output | stdout |", with: "| Out\u{1B}[2Jput | std\u{9B}out |")
        let plan = try render(.plan, plan: reading(hostile), 120, 40)
        assertInert(plan)
        XCTAssertEqual(plan[6], boxRow("Print ^[]2;PWNED^G a <U+202E>greeting with greet --name; see the spec.", 120))
        XCTAssertTrue(plan[15].hasPrefix("│Out^[[2Jput │ std<U+009B>out │ simplest"), plan[15])
        XCTAssertTrue(plan[13].hasPrefix("│Decision    │ Choice         │ Why"), "columns as wide as the escapes drawn: \(plan[13])")
        let colours = "diff --git a/x b/x\n@@ -1 +1 @@\n-\u{1B}[31mold\u{1B}[m\n+\u{1B}[32mnew\u{1B}[m\u{1B}]0;owned\u{07}\n"
        let diff = try render(.diff(role: "builder"), diff: AgentDiff(role: "builder", unified: colours), 80, 24)
        assertInert(diff)
        XCTAssertEqual(diff[10], boxRow("+^[[32mnew^[[m^[]0;owned^G", 80))
    }

    /// After a veto, the view opens on the verdicts that sent the work back; an approving
    /// verdict is not among them.
    func testTheVerdictsThatSentTheWorkBackComeFirst() throws {
        let vetoed = Self.plan.replacingOccurrences(of: "## Messages", with: """
        ## Security Audit: Add a greeting

        **Verdict:** ❌ Critical Block

        - the greeting echoes **unescaped** input

        ## Code Review: Add a greeting

        **Verdict:** ✅ Approved

        ## Messages
        """)
        let reading = reading(vetoed)
        XCTAssertEqual(reading.verdicts.map(\.title), ["Security Audit: Add a greeting"])
        let rows = try render(.plan, plan: reading, phase: .implementation, 120, 40)
        XCTAssertEqual(Array(rows[3...12]), [
            edge("┌", " plan · Add a greeting ", "┐", 120),
        ] + ["Sent back by:", "Security Audit: Add a greeting", "══════════════════════════════", "Verdict: ❌ Critical Block", "",
             "• the greeting echoes unescaped input", "", "Design: Add a greeting", "══════════════════════"].map { boxRow($0, 120) })
        XCTAssertFalse(rows.joined().contains("Code Review"))
    }

    /// Fragments of markdown and hostile text in every order, at every small width: rows
    /// never wider than the pane, nothing that acts on a terminal.
    func testMarkdownFragmentsNeverOverflowOrLeak() {
        let fragments = ["**", "`", "``", "[", "](", ")", "|", "| a |", "|---|", "- ", "1. ", "> ", "# ", "```", "~~~", "\\", "<", "://", ">",
                         "\t", "名", "\u{1B}[2J", "\u{202E}", "x", " ", "__", "![", "[x] "]
        var seed: UInt64 = 42
        func next() -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int(seed >> 33)
        }
        for _ in 0..<300 {
            let lines = (0..<(1 + next() % 6)).map { _ in (0..<(next() % 8)).map { _ in fragments[next() % fragments.count] }.joined() }
            for width in [1, 2, 5, 13, 40] {
                let rows = PlanMarkdown.rows([PlanSection(title: lines[0], lines: lines)], width: width)
                var canvas = Canvas(width: width + 2, height: rows.count + 2)
                FullViewPane.draw(title: "t", count: rows.count, top: 0, row: { rows[$0] }, in: Rect(x: 0, y: 0, width: width + 2, height: rows.count + 2), on: &canvas)
                assertInert(canvas.lines)
                XCTAssertTrue(canvas.lines.allSatisfy { TextWidth.columns(of: $0) == width + 2 }, "\(lines)")
            }
        }
    }

    func testAPlanWithNoDesignSaysSo() throws {
        let rows = try render(.plan, plan: PlanReading(), 80, 24)
        XCTAssertEqual(rows[4], boxRow("PLAN.md has no design for Add a greeting yet, and no tasks", 80))
    }

    func testTheDiffCountsFilesAndIsCutAtItsLineLimit() {
        let diff = AgentDiff(role: "builder", unified: Self.unified)
        XCTAssertEqual(diff.files.map(\.path), ["src/greeting.txt", "README.md"])
        XCTAssertEqual(diff.files.map(\.added), [2, 1])
        XCTAssertEqual(diff.files.map(\.removed), [0, 1])
        XCTAssertEqual(DiffPane.fileRows(diff), [4, 12])
        let cut = AgentDiff(role: "builder", unified: Self.unified, lineLimit: 8)
        XCTAssertEqual(cut.lines.count, 8)
        XCTAssertEqual(cut.note, "cut at 8 lines: shown up to there")
        XCTAssertEqual(DiffPane.header(cut, width: 60).first, StyledRows.of("cut at 8 lines: shown up to there", .attention))
    }

    /// Tabs in code and diff lines go to stops of 4 columns (after a diff line's mark).
    func testTabsKeepIndentedCodeInShape() {
        XCTAssertEqual(StyledRows.expandingTabs("+\tif x {\n", after: 1), "+    if x {\n")
        XCTAssertEqual(StyledRows.expandingTabs("ab\tc\t名\td"), "ab  c   名  d")
        let diff = AgentDiff(role: "builder", unified: "diff --git a/x b/x\n@@ -1 +1 @@\n-\told\n+\t\tnew\n")
        var canvas = Canvas(width: 40, height: 12)
        DiffPane.draw(diff, role: "builder", top: 0, in: Rect(x: 0, y: 0, width: 40, height: 12), on: &canvas)
        XCTAssertEqual(canvas.line(6), boxRow("-    old", 40))
        XCTAssertEqual(canvas.line(7), boxRow("+        new", 40))
    }

    func testDiffLinesTakeTheirRoles() {
        let diff = AgentDiff(role: "builder", unified: Self.unified)
        var canvas = Canvas(width: 60, height: 26)
        DiffPane.draw(diff, role: "builder", top: 0, in: Rect(x: 0, y: 0, width: 60, height: 26), on: &canvas)
        XCTAssertEqual(canvas[1, 11].role, .diffAdded, canvas.line(11))
        XCTAssertEqual(canvas[1, 10].role, .diffHunk, canvas.line(10))
        XCTAssertEqual(canvas[1, 19].role, .diffRemoved, canvas.line(19))
        XCTAssertEqual(canvas[1, 18].role, .text, canvas.line(18))
        XCTAssertEqual(canvas[21, 2].role, .diffAdded, "the count of added lines: \(canvas.line(2))")
    }

    func testThePlanAndDiffKeysAreBoundOnceEach() throws {
        let keymap = try Keymap()
        XCTAssertEqual(keymap.action(for: .char("p")), .plan)
        XCTAssertEqual(keymap.action(for: .char("d")), .diff)
        XCTAssertEqual(keymap.action(for: .char("]")), .nextFile)
        XCTAssertEqual(keymap.action(for: .char("[")), .previousFile)
        let names = Keymap.defaults.map(\.0)
        XCTAssertEqual(names.count, Set(names).count, "no key has two actions")
    }
}
