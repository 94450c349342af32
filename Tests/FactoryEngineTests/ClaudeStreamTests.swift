@testable import FactoryEngine
import XCTest

final class ClaudeStreamTests: XCTestCase {
    func testAWholeSessionReadsAsItsEvents() {
        assertSession(ClaudeFixture.events(ClaudeFixture.session), "one read")
    }

    func testChunkBoundariesDoNotMatter() {
        assertSession(ClaudeFixture.events(ClaudeFixture.session, chunks: { 1 }), "byte by byte")
        for seed in UInt64(1)...20 {
            var random = SeededGenerator(state: seed)
            assertSession(ClaudeFixture.events(ClaudeFixture.session, chunks: { Int.random(in: 1...700, using: &random) }), "seed \(seed)")
        }
    }

    private func assertSession(_ events: [AgentStreamEvent], _ what: String, line: UInt = #line) {
        assertSameEvents(events, ClaudeFixture.sessionEvents, what, line: line)
    }

    func testCRLFAndAMissingLastNewlineAreLines() {
        let text = ClaudeFixture.sessionLines[0] + "\r\n" + ClaudeFixture.sessionLines[2]
        XCTAssertEqual(ClaudeFixture.events(Array(text.utf8)), [
            .session("sess-1"), .activity(.text("I will run the tests.")),
            .usage(AgentUsage(inputTokens: 10, outputTokens: 5, cacheReadTokens: 100, cacheCreationTokens: 20)),
        ])
    }

    func testGarbageIsReportedAndReadingGoesOn() {
        var bytes = Array("not json\n{\"type\":\"assistant\"\n42\n\n   \n".utf8)
        bytes += [0xFF, 0xFE, 0x41, 0x0A]                                       // line 6: invalid UTF-8
        bytes += Array("{\"type\":\"sys\u{0}tem\"}\n".utf8)                    // line 7: a raw NUL
        bytes += Array("{\"type\":\"rate_limit_event\",\"x\":1}\n{\"no\":\"type\"}\n[1,2]\n".utf8)
        bytes += Array((ClaudeFixture.sessionLines[0] + "\n").utf8)
        XCTAssertEqual(ClaudeFixture.events(bytes), [
            .garbage(line: 1, firstBytes: "not json"),
            .garbage(line: 2, firstBytes: "{\"type\":\"assistant\""),
            .garbage(line: 3, firstBytes: "42"),
            .garbage(line: 6, firstBytes: "\u{FFFD}\u{FFFD}A"),
            .garbage(line: 7, firstBytes: "{\"type\":\"sys\u{0}tem\"}"),
            .garbage(line: 10, firstBytes: "[1,2]"),
            .session("sess-1"),
        ], "blank lines are nothing; an unknown type and an object without a type are passed over")
    }

    func testGarbageShowsOnlyItsFirstBytes() {
        let events = ClaudeFixture.events(Array((String(repeating: "z", count: 500) + "\n").utf8))
        XCTAssertEqual(events, [.garbage(line: 1, firstBytes: String(repeating: "z", count: 80))])
    }

    func testAHugeLineIsDroppedAndTheNextLineRead() {
        let huge = #"{"type":"assistant","message":{"content":[{"type":"text","text":""# + String(repeating: "x", count: 5 << 20) + #""}]}}"#
        let bytes = Array((huge + "\n" + ClaudeFixture.sessionLines[0] + "\n").utf8)
        let expected: [AgentStreamEvent] = [.activity(.error("line 1 is longer than 4194304 bytes; skipped")), .session("sess-1")]
        XCTAssertEqual(ClaudeFixture.events(bytes, chunks: { 65_536 }), expected)
        XCTAssertEqual(ClaudeFixture.events(bytes), expected, "one read")
        XCTAssertEqual(ClaudeFixture.events(bytes, chunks: { 10 }, lineLimit: 100).first, .activity(.error("line 1 is longer than 100 bytes; skipped")))
    }

    func testDamagedLinesCostOnlyThemselves() {
        let lastLine = Array((ClaudeFixture.sessionLines.last ?? "").utf8)
        let damageable = ClaudeFixture.session.count - lastLine.count - 1
        for seed in UInt64(1)...200 {
            var random = SeededGenerator(state: seed)
            var bytes = ClaudeFixture.session
            for _ in 0..<8 { bytes[Int.random(in: 0..<damageable, using: &random)] = UInt8.random(in: 0...255, using: &random) }
            let events = ClaudeFixture.events(bytes, chunks: { Int.random(in: 1...64, using: &random) })
            XCTAssertEqual(events.last, ClaudeFixture.sessionEvents.last, "seed \(seed): the undamaged last line still reads")
        }
    }

    func testStoredTextIsCapped() {
        let big = String(repeating: "y", count: 3 << 20)
        let line = #"{"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","is_error":true,"content":[{"type":"text","text":""# + big + #""}]}]}}"#
        let events = ClaudeFixture.events(Array((line + "\n").utf8))
        XCTAssertEqual(events, [.activity(.toolResult(toolUseID: "t", ok: false, firstLine: String(repeating: "y", count: 1_999) + "…"))])
    }

    func testAFailedSessionEndsWithAnError() {
        let line = #"{"type":"result","subtype":"error_max_turns","is_error":true,"num_turns":30,"duration_ms":1e2,"total_cost_usd":1.5,"result":"Stopped\nearly","permission_denials":[{"tool_name":"Bash"},{"tool_name":"Write"}]}"#
        XCTAssertEqual(ClaudeFixture.events(Array((line + "\n").utf8)), [
            .activity(.result(ok: false, turns: 30, costUSD: 1.5)),
            .activity(.error("error_max_turns: Stopped")),
            .ended(SessionResult(subtype: "error_max_turns", isError: true, turns: 30, durationMs: 100, costUSD: 1.5,
                                 permissionDenials: 2, firstLine: "Stopped")),
        ], "no usage in the result: no usage event")
    }

    func testFailuresWithoutAnAnswerAreNamed() {
        let lines = [
            #"{"type":"assistant","message":{"id":"m","content":[{"type":"text","text":"API Error: 429"}]},"error":"rate_limit"}"#,
            #"{"type":"result","subtype":"error_during_execution","is_error":true,"num_turns":0,"errors":[3,"Tool permission request failed: AbortError: Stream closed\nat x"]}"#,
            #"{"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"\r\n  \r\nfirst\r\nsecond"},{"type":"text","text":"ignored"}]}}"#,
        ]
        XCTAssertEqual(ClaudeFixture.events(Array(lines.map { $0 + "\n" }.joined().utf8)), [
            .activity(.text("API Error: 429")),
            .activity(.error("model call failed: rate_limit")),
            .activity(.result(ok: false, turns: 0, costUSD: 0)),
            .activity(.error("error_during_execution: Tool permission request failed: AbortError: Stream closed")),
            .ended(SessionResult(subtype: "error_during_execution", isError: true, turns: 0, durationMs: 0, costUSD: 0,
                                 permissionDenials: 0, firstLine: "Tool permission request failed: AbortError: Stream closed")),
            .activity(.toolResult(toolUseID: "t", ok: true, firstLine: "first")),
        ])
    }

    func testOddNumbersCostTheFieldNotTheMessage() {
        let line = #"{"type":"result","subtype":"success","is_error":"yes","num_turns":1e300,"duration_ms":-5,"total_cost_usd":true,"usage":{"input_tokens":"many","output_tokens":2.5}}"#
        XCTAssertEqual(ClaudeFixture.events(Array((line + "\n").utf8)), [
            .usage(AgentUsage(outputTokens: 2)),
            .activity(.result(ok: true, turns: 0, costUSD: 0)),
            .ended(SessionResult(subtype: "success", isError: false, turns: 0, durationMs: 0, costUSD: 0, permissionDenials: 0, firstLine: "")),
        ])
        let ones = #"{"type":"result","subtype":"success","is_error":1,"num_turns":1,"duration_ms":0,"total_cost_usd":1}"#
        XCTAssertEqual(ClaudeFixture.events(Array((ones + "\n").utf8)).last,
                       .ended(SessionResult(subtype: "success", isError: false, turns: 1, durationMs: 0, costUSD: 1, permissionDenials: 0, firstLine: "")),
                       "1 and 0 are numbers, not true and false")
    }

    /// Found by fuzzing: two messages each claiming 2^63 - 1 input tokens overflowed the
    /// running total and trapped the engine. The total stops at Int.max.
    func testHugeTokenCountsSaturateInsteadOfTrapping() {
        let lines = [
            #"{"type":"assistant","message":{"id":"m1","content":[],"usage":{"input_tokens":9223372036854775807}}}"#,
            #"{"type":"assistant","message":{"id":"m2","content":[],"usage":{"input_tokens":9223372036854775807,"output_tokens":3}}}"#,
            #"{"type":"assistant","message":{"id":"m3","content":[],"usage":{"input_tokens":1}}}"#,
        ]
        let usages = ClaudeFixture.events(Array(lines.map { $0 + "\n" }.joined().utf8)).compactMap { event -> AgentUsage? in
            if case .usage(let usage) = event { return usage }
            return nil
        }
        XCTAssertEqual(usages.map(\.inputTokens), [Int.max, Int.max, Int.max])
        XCTAssertEqual(usages.last?.outputTokens, 3)
    }

    func testQuestionsFactoryDoesNotAnswerAreSaid() {
        let lines = [
            #"{"type":"control_request","request_id":"r9","request":{"subtype":"hook_callback","callback_id":"h"}}"#,
            #"{"type":"control_request","request":{"subtype":"can_use_tool","tool_name":"Bash","input":{}}}"#,
            #"{"type":"control_cancel_request","request_id":"req-1"}"#,
            #"{"type":"control_request","request_id":"r10","request":{"subtype":"can_use_tool","input":"odd","permission_suggestions":7}}"#,
        ]
        let events = ClaudeFixture.events(Array(lines.map { $0 + "\n" }.joined().utf8))
        XCTAssertEqual(events, [
            .activity(.error("the agent asked \"hook_callback\" (request r9), which factory does not answer")),
            .unanswerable(requestID: "r9", subtype: "hook_callback"),
            .activity(.error("a can_use_tool request without a request id; it cannot be answered")),
            .withdrawn(requestID: "req-1"),
            .request(PermissionRequest(requestID: "r10", tool: "?", inputJSON: "{}", summary: "?: {}", toolUseID: "",
                                       suggestions: [], suggestionsJSON: "[]", receivedAt: ClaudeFixture.receivedAt)),
        ])
    }

    func testEventsRoundTripAsJSON() throws {
        for event in ClaudeFixture.sessionEvents {
            if case .activity(let item) = event {
                XCTAssertEqual(try JSONDecoder().decode(ActivityItem.self, from: JSONEncoder().encode(item)), item)
            }
        }
        let request = ClaudeFixture.bashRequest
        XCTAssertEqual(try JSONDecoder().decode(PermissionRequest.self, from: JSONEncoder().encode(request)), request)
    }

    func testToolCallsInOneLine() {
        let cwd = "/work/wt/builder"
        let cases: [(String, [String: Any]?, String)] = [
            ("Bash", ["command": "swift test\n\t--filter X", "description": "Run"], "Bash: swift test ⏎ --filter X"),
            ("Edit", ["file_path": "/work/wt/builder/Sources/App.swift", "old_string": "a", "new_string": "b"], "Edit Sources/App.swift"),
            ("Read", ["file_path": "/work/wt/builder/README.md"], "Read README.md"),
            ("Read", ["file_path": "/etc/passwd"], "Read /etc/passwd"),
            ("Read", ["file_path": "/work/wt/builder-2/x"], "Read /work/wt/builder-2/x"),
            ("Write", ["file_path": "/work/wt/builder/docs/a b.md", "content": "…"], "Write docs/a b.md"),
            ("Grep", ["pattern": "TODO|FIXME"], "Grep TODO|FIXME"),
            ("Grep", ["pattern": "func ", "path": "/work/wt/builder/Sources"], "Grep func in Sources"),
            ("Glob", ["pattern": "**/*.swift"], "Glob **/*.swift"),
            ("mcp__x__fetch", ["url": "https://a.example/p", "n": 2], #"mcp__x__fetch: {"n":2,"url":"https://a.example/p"}"#),
            ("Task", nil, "Task: {}"),
            ("Bash", ["command": 7], "Bash:"),
        ]
        for (tool, input, expected) in cases {
            XCTAssertEqual(ToolSummary.summary(tool: tool, input: input, cwd: cwd), expected, tool)
        }
        let long = ToolSummary.summary(tool: "Bash", input: ["command": String(repeating: "echo hi; ", count: 50)])
        XCTAssertEqual(long.count, ToolSummary.limit)
        XCTAssertEqual(long, String(("Bash: " + String(repeating: "echo hi; ", count: 50)).prefix(119)) + "…")
        let generic = ToolSummary.summary(tool: "Odd", input: ["text": String(repeating: "x", count: 500)])
        XCTAssertEqual(generic, #"Odd: {"text":""# + String(repeating: "x", count: 119 - 14) + "…")
    }
}
