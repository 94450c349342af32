@testable import FactoryEngine
import XCTest

/// `gemini -p … --output-format stream-json` sessions, written by hand from the documented
/// event shapes (docs/cli/headless.md, packages/core/src/output/types.ts) into Tests/Fixtures/gemini/.
final class GeminiStreamTests: XCTestCase {
    func gemini() -> GeminiStream { GeminiStream(cwd: "/work/wt/builder") }

    func decode(_ lines: [String]) -> [AgentStreamEvent] {
        decodeInChunks(gemini(), Array(lines.map { $0 + "\n" }.joined().utf8))
    }

    static func delta(_ text: String) -> String {
        #"{"type":"message","timestamp":"2026-11-26T10:00:00.000Z","role":"assistant","content":""# + text + #"","delta":true}"#
    }

    static let sessionEvents: [AgentStreamEvent] = [
        .session("c3a4f6e2-5d1b-4b8e-9f0a-2c7d8e9f1a2b"),
        .activity(.text("I'll run the tests first to see what fails.")),
        .activity(.toolCall(tool: "run_shell_command", toolUseID: "run_shell_command-1764151202500-a1", summary: "Bash: swift test")),
        .activity(.toolResult(toolUseID: "run_shell_command-1764151202500-a1", ok: true, firstLine: "Building for debugging...")),
        .activity(.toolCall(tool: "read_file", toolUseID: "read_file-1764151211000-b2", summary: "Read Sources/App/main.swift")),
        .activity(.toolResult(toolUseID: "read_file-1764151211000-b2", ok: true, firstLine: "(no output)")),
        .activity(.toolCall(tool: "replace", toolUseID: "replace-1764151213000-c3", summary: "Edit Sources/App/main.swift")),
        .activity(.toolResult(toolUseID: "replace-1764151213000-c3", ok: false,
                              firstLine: "Failed to edit, 0 occurrences found for old_string in /work/wt/builder/Sources/App/main.swift. No edits made.")),
        .activity(.toolCall(tool: "write_file", toolUseID: "write_file-1764151215000-d4", summary: "Write Tests/AppTests/GreetTests.swift")),
        .activity(.toolResult(toolUseID: "write_file-1764151215000-d4", ok: true,
                              firstLine: "Successfully created and wrote to new file: /work/wt/builder/Tests/AppTests/GreetTests.swift.")),
        .activity(.toolCall(tool: "run_shell_command", toolUseID: "run_shell_command-1764151216000-e5", summary: "Bash: swift build && swift test")),
        .activity(.toolResult(toolUseID: "run_shell_command-1764151216000-e5", ok: true, firstLine: "Build complete! (2.31s)")),
        .activity(.text("Fixed the import and added `GreetTests`.")),
        .activity(.text("All 13 tests pass.")),
        .usage(AgentUsage(inputTokens: 5000, outputTokens: 1230, cacheReadTokens: 9000, turns: 1)),
        .activity(.result(ok: true, turns: 1, costUSD: 0)),
        .ended(SessionResult(subtype: "success", isError: false, turns: 1, durationMs: 33190, costUSD: 0, permissionDenials: 0,
                             firstLine: "Fixed the import and added `GreetTests`.")),
    ]

    func testASessionReadsAsItsEventsHoweverItIsCut() throws {
        assertChunkingDoesNotMatter(gemini(), try fixture("gemini/session.jsonl"), Self.sessionEvents)
    }

    func testAFailedSessionEndsWithItsError() throws {
        assertChunkingDoesNotMatter(gemini(), try fixture("gemini/failed.jsonl"), [
            .session("9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b"),
            .activity(.text("Looking at the tests.")),
            .activity(.toolCall(tool: "glob", toolUseID: "glob-1764154802000-f6", summary: "Glob Tests/**/*.swift")),
            .activity(.toolResult(toolUseID: "glob-1764154802000-f6", ok: true, firstLine: "Found 1 matching file(s)")),
            .activity(.error("warning: Loop detected, stopping execution")),
            .usage(AgentUsage(inputTokens: 3800, outputTokens: 300, turns: 1)),
            .activity(.result(ok: false, turns: 1, costUSD: 0)),
            .activity(.error("MaxSessionTurnsError: Maximum session turns exceeded")),
            .ended(SessionResult(subtype: "MaxSessionTurnsError", isError: true, turns: 1, durationMs: 40010, costUSD: 0,
                                 permissionDenials: 0, firstLine: "Maximum session turns exceeded")),
        ])
    }

    /// Pieces of the assistant's words make one item a paragraph, whatever their number.
    func testWordsArriveAParagraphAtATime() {
        var stream = gemini()
        var events: [AgentStreamEvent] = []
        for piece in ["The", " build", " fails", " because", " of", " an", " import.", "\\n", "\\nI", " will", " fix", " it."] {
            events += stream.feed(Array((Self.delta(piece) + "\n").utf8))
        }
        XCTAssertEqual(events, [.activity(.text("The build fails because of an import."))], "a whole paragraph, as soon as it is whole")
        XCTAssertEqual(stream.finish(), [.activity(.text("I will fix it."))], "the rest at the end of the stream")
        XCTAssertEqual(stream.finish(), [], "once")

        let whole = decode([Self.delta("Half"), #"{"type":"message","role":"assistant","content":"A whole message."}"#, Self.delta("  "),
                            #"{"type":"message","role":"user","content":"the prompt, echoed"}"#])
        XCTAssertEqual(whole, [.activity(.text("Half")), .activity(.text("A whole message."))], "blank words are nothing; the user's message is not activity")
    }

    /// An answer without a paragraph break is shown in pieces of an item's size, never held whole.
    func testEndlessWordsAreShownInCappedPieces() {
        var stream = gemini()
        var events: [AgentStreamEvent] = []
        for _ in 0..<1_000 { events += stream.feed(Array((Self.delta("word ") + "\n").utf8)) }
        events += stream.finish()
        let texts = events.compactMap { if case .activity(.text(let t)) = $0 { return t } else { return nil } }
        XCTAssertEqual(texts.count, 3, "5000 characters, at most 2000 an item")
        XCTAssertTrue(texts.allSatisfy { $0.count <= ActivityItem.textLimit })
        XCTAssertEqual(texts.joined(separator: " ").split(separator: " ").count, 1_000, "nothing lost")
    }

    func testGeminisToolsAreSummedUpLikeClaudes() {
        let cwd = "/work/wt/builder"
        let cases: [(String, [String: Any]?, String)] = [
            ("run_shell_command", ["command": "swift test\n --parallel", "description": "Run"], "Bash: swift test ⏎ --parallel"),
            ("replace", ["file_path": "/work/wt/builder/a.swift", "old_string": "x", "new_string": "y"], "Edit a.swift"),
            ("write_file", ["file_path": "/work/wt/builder/b.md", "content": "…"], "Write b.md"),
            ("read_file", ["absolute_path": "/work/wt/builder/c.swift"], "Read c.swift"),
            ("glob", ["pattern": "**/*.swift", "dir_path": "/work/wt/builder/Sources"], "Glob **/*.swift in Sources"),
            ("grep_search", ["pattern": "TODO"], "Grep TODO"),
            ("search_file_content", ["pattern": "FIXME", "path": "/tmp"], "Grep FIXME in /tmp"),
            ("google_web_search", ["query": "swift"], #"google_web_search: {"query":"swift"}"#),
            ("run_shell_command", nil, "run_shell_command: {}"),
        ]
        for (tool, input, expected) in cases {
            XCTAssertEqual(GeminiStream.summary(tool, input, cwd: cwd), expected, tool)
        }
    }

    func testOddEventsCostOnlyTheirFields() {
        let events = decode([
            #"{"type":"init"}"#,
            #"{"type":"tool_use"}"#,
            #"{"type":"tool_result","status":"error"}"#,
            #"{"type":"tool_result","tool_id":"t","status":"error","output":"partial output","error":{"type":"x"}}"#,
            #"{"type":"error","severity":"error","message":"\n\nQuota exceeded\nfor model"}"#,
            #"{"type":"thought","content":"a type newer than this reader"}"#,
            #"{"type":"result","status":"weird"}"#,
        ])
        assertSameEvents(events, [
            .activity(.toolCall(tool: "?", toolUseID: "", summary: "?: {}")),
            .activity(.toolResult(toolUseID: "", ok: false, firstLine: "failed")),
            .activity(.toolResult(toolUseID: "t", ok: false, firstLine: "partial output")),
            .activity(.error("Quota exceeded")),
            .activity(.result(ok: false, turns: 1, costUSD: 0)),
            .activity(.error("error")),
            .ended(SessionResult(subtype: "error", isError: true, turns: 1, durationMs: 0, costUSD: 0, permissionDenials: 0, firstLine: "")),
        ], "no stats: no usage event")
    }
}
