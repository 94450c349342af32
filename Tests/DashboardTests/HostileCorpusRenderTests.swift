@testable import Dashboard
import FactoryEngine
import Foundation
import InertText
import PlanDocument
import TextWidth
import XCTest

/// Every string of the hostile corpus (Tests/Fixtures/hostile) in every place outside text
/// reaches the screen — the feature, task cells, a message and its sender, an agent's
/// activity, the attention line, the detail view's log, the plan view, the diff view, the
/// message reader — at a full and a small size: each frame holds no character that acts on
/// a terminal, fills exactly its size, and every pane keeps its frame.
final class HostileCorpusRenderTests: XCTestCase {
    static let corpus: [(name: String, text: String)] = {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/hostile")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".txt") }.sorted()
        // As PLAN.md and agents' logs are read: bytes decoded as UTF-8, bad bytes replaced.
        return names.map { name in
            let bytes = (try? Data(contentsOf: folder.appendingPathComponent(name))) ?? Data()
            return (String(name.dropLast(4)), String(decoding: bytes, as: UTF8.self))
        }
    }()

    /// The places a frame can show, each a UI state (and what the full views read).
    enum Place: CaseIterable { case agents, tasks, messages, detail, reader, plan, diff }

    func testTheCorpusIsThere() {
        XCTAssertGreaterThanOrEqual(Self.corpus.count, 20, "the hostile corpus is read from Tests/Fixtures/hostile")
    }

    func testEveryStringInEveryPaneIsInertAndStaysInsideItsBox() throws {
        var frames = 0
        for (name, text) in Self.corpus {
            let snap = snapshot(text), read = views(text)
            for place in Place.allCases {
                for (w, h) in [(120, 40), (50, 14)] {
                    let canvas = render(snap, read, place, w, h)
                    check(canvas, place: place, context: "\(name) in \(place) at \(w)×\(h)")
                    frames += 1
                }
            }
        }
        XCTAssertEqual(frames, Self.corpus.count * Place.allCases.count * 2)
    }

    /// The escapes are there to read: an ESC shows as `^[`, a C1 or bidi control as `<U+…>`.
    func testTheControlsAreShownAsVisibleEscapes() throws {
        for (name, expected) in [("osc0-title", "^[]0;PWNED-TITLE^G"), ("c1-as-utf8", "<U+009B>31m"), ("bidi-controls", "<U+202E>evil.exe"),
                                 ("nul", "before^@after"), ("c0-controls", "abc^MXYZ^H")] {
            let text = try XCTUnwrap(Self.corpus.first { $0.name == name }?.text, name)
            let shown = render(snapshot(text), views(text), .messages, 200, 40).lines.joined(separator: "\n")
            XCTAssertTrue(shown.contains(expected), "\(name): \(expected) is shown:\n\(shown)")
        }
    }

    /// A frame costs what shows, not the length of the text: a 10,000-character word in
    /// every place draws in tens of milliseconds (a debug build), a path that long in the diff
    /// view too (cutting it from the front glyph by glyph took 3–5 s a frame). The bound leaves
    /// room for a loaded machine.
    func testAHugeWordCostsAFrameLikeAnyOther() throws {
        let text = try XCTUnwrap(Self.corpus.first { $0.name == "long-word-10000" }?.text)
        let snap = snapshot(text), read = views(text)
        for place in Place.allCases {
            let start = Date()
            _ = render(snap, read, place, 120, 40)
            let seconds = Date().timeIntervalSince(start)
            XCTAssertLessThan(seconds, 2, "a frame of \(place) with a 10,000-character word took \(seconds) s")
        }
    }

    // MARK: - frames

    /// What the detail, plan and diff views show, read once (off the UI queue in the app).
    struct Views {
        var detail: AgentDetail
        var plan: PlanReading
        var diff: AgentDiff
    }

    func views(_ text: String) -> Views {
        Views(detail: agentDetail(text), plan: PlanReading(PlanDocument(planText(text)), feature: "Greet"),
              diff: AgentDiff(role: "builder", unified: unified(text)))
    }

    func render(_ snap: Snapshot, _ views: Views, _ place: Place, _ w: Int, _ h: Int) -> Canvas {
        var ui = UIState()
        ui.selectedAgent = 1
        switch place {
        case .agents: ui.focus = .agents
        case .tasks: ui.focus = .tasks
        case .messages: ui.focus = .messages
        case .detail:
            ui.detailOpen = true
            ui.focus = .detail
        case .reader:
            ui.focus = .messages
            ui.reader = MessageReader(line: snap.plan.messages.last?.line ?? 1)
        case .plan: ui.view = .plan
        case .diff: ui.view = .diff(role: "builder")
        }
        return Frame.render(snap, ui, detail: views.detail, plan: views.plan, diff: views.diff, keymap: Keymap.standard, width: w, height: h)
    }

    /// Nothing that acts on a terminal in any cell; every row exactly `width` columns; every
    /// pane's corners and sides where the layout puts them.
    func check(_ canvas: Canvas, place: Place, context: String, file: StaticString = #filePath, line: UInt = #line) {
        let live = canvas.cells.flatMap { $0.text.unicodeScalars.filter(Inert.isUnsafe) }
        XCTAssertEqual(live.map { String($0.value, radix: 16) }, [], "\(context): live controls in the frame", file: file, line: line)
        for (y, row) in canvas.lines.enumerated() where TextWidth.columns(of: row) != canvas.width {
            XCTFail("\(context): row \(y) is \(TextWidth.columns(of: row)) columns:\n\(row)", file: file, line: line)
        }
        for rect in boxes(place, canvas.width, canvas.height) {
            let corners = [(rect.x, rect.y, "┌"), (rect.maxX - 1, rect.y, "┐"), (rect.x, rect.maxY - 1, "└"), (rect.maxX - 1, rect.maxY - 1, "┘")]
            let sides = (rect.y + 1..<rect.maxY - 1).flatMap { [(rect.x, $0, "│"), (rect.maxX - 1, $0, "│")] }
            for (x, y, glyph) in corners + sides where canvas[x, y].text != glyph {
                XCTFail("\(context): \(canvas[x, y].text) at \(x),\(y) where the box has \(glyph):\n\(canvas.lines.joined(separator: "\n"))",
                        file: file, line: line)
                return
            }
        }
    }

    /// The boxes the frame must show for `place`.
    func boxes(_ place: Place, _ w: Int, _ h: Int) -> [Rect] {
        let focus: PaneID = place == .agents ? .agents : place == .messages || place == .reader ? .messages : place == .detail ? .detail : .tasks
        let layout = Layout.make(width: w, height: h, focus: focus)
        switch place {
        case .plan, .diff: return [layout.pipeline, layout.body]
        case .reader: return [ReaderPane.rect(width: w, height: h)]
        default: return [layout.pipeline, layout.agents, layout.tasks, layout.messages].filter { !$0.isEmpty }
        }
    }

    // MARK: - the hostile text everywhere

    /// A table cell keeps its table: a `|` in the text is escaped, as `factory task add` writes it.
    func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }

    func planText(_ text: String) -> String {
        """
        # Plan

        ## Design: Greet

        \(text)

        - \(text)

        | Decision | Choice |
        |----------|--------|
        | \(cell(text)) | x |

        ## Active Tasks

        | ID | Agent | Status | Priority | Description | Depends On |
        |----|-------|--------|----------|-------------|------------|
        | T1\(cell(text)) | builder | ⏳ Pending | P0 | \(cell(text)) | - |
        | T2 | \(cell(text)) | ⏳ Pending | P1 | plain | T1\(cell(text)) |

        ## Messages

        ### Builder → Architect (10:25)

        \(text)

        """
    }

    func snapshot(_ text: String) -> Snapshot {
        var snap = Fixture.snapshot(messages: [])
        snap.plan = PlanDocument(planText(text)).view
        snap.plan.messages.append(PlanMessage(from: "Builder\(text)", to: ["Architect\(text)"], time: "10:26", body: text, line: 900))
        snap.feature = text
        snap.agents[1].activity = text
        snap.attention = [Attention(kind: .approval, role: "architect", message: text)]
        return snap
    }

    func agentDetail(_ text: String) -> AgentDetail {
        var feed = FeedBuffer(limit: 100)
        feed.append(contentsOf: [.log(text), .activity(.text(text)), .activity(.toolCall(tool: text, toolUseID: "1", summary: text)),
                                 .activity(.toolResult(toolUseID: "1", ok: false, firstLine: text)), .activity(.error(text)), .log("end")])
        return AgentDetail(role: "builder", source: .log, feed: feed, openLine: text, diffStat: [text], commits: [text])
    }

    func unified(_ text: String) -> String {
        """
        diff --git a/\(text) b/\(text)
        --- a/\(text)
        +++ b/\(text)
        @@ -1 +1 @@
        -\(text)
        +\(text)

        """
    }
}
