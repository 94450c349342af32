@testable import FactoryEngine
import XCTest

/// `codex exec --json` sessions, written by hand from the documented event shapes
/// (codex-rs/exec/src/exec_events.rs, docs/exec.md) into Tests/Fixtures/codex/.
final class CodexStreamTests: XCTestCase {
    static let cwd = "/work/wt/builder"

    func codex() -> CodexStream { CodexStream(cwd: Self.cwd) }

    func decode(_ lines: [String]) -> [AgentStreamEvent] {
        decodeInChunks(codex(), Array(lines.map { $0 + "\n" }.joined().utf8))
    }

    static let sessionEvents: [AgentStreamEvent] = [
        .session("0199a213-81c0-7800-8aa1-bbab2a035a53"),
        .activity(.thinking(firstLine: "Running the tests first", length: 74)),
        .activity(.text("I'll run the tests to see what fails.")),
        .activity(.toolCall(tool: "Bash", toolUseID: "item_2", summary: "Bash: swift test")),
        .activity(.toolResult(toolUseID: "item_2", ok: false, firstLine: "exit code 1: Building for debugging...")),
        .activity(.toolCall(tool: "TodoList", toolUseID: "item_3", summary: "Plan 0/3: Fix the import")),
        .activity(.toolCall(tool: "Edit", toolUseID: "item_4", summary: "Edit Sources/App/main.swift, Add Tests/AppTests/GreetTests.swift")),
        .activity(.toolResult(toolUseID: "item_4", ok: true, firstLine: "applied")),
        .activity(.toolCall(tool: "TodoList", toolUseID: "item_3", summary: "Plan 2/3: Run the tests")),
        .activity(.toolCall(tool: "mcp__docs__lookup", toolUseID: "item_5", summary: #"mcp__docs__lookup: {"topic":"XCTAssertEqual"}"#)),
        .activity(.toolResult(toolUseID: "item_5", ok: true, firstLine: "XCTAssertEqual(a, b) fails when a != b.")),
        .activity(.toolCall(tool: "Bash", toolUseID: "item_6", summary: "Bash: swift build && swift test")),
        .activity(.toolResult(toolUseID: "item_6", ok: true, firstLine: "Build complete! (2.31s)")),
        .activity(.error("model rerouted: gpt-5-codex -> gpt-5 (HighRiskCyberActivity)")),
        .activity(.toolCall(tool: "TodoList", toolUseID: "item_3", summary: "Plan 3/3")),
        .activity(.text("Fixed the import in `main.swift` and added `GreetTests`; all 13 tests pass.\n\nNothing else changed.")),
        .usage(AgentUsage(inputTokens: 315, outputTokens: 1122, cacheReadTokens: 24448, turns: 1)),
        .activity(.result(ok: true, turns: 1, costUSD: 0)),
        .ended(SessionResult(subtype: "success", isError: false, turns: 1, durationMs: 0, costUSD: 0, permissionDenials: 0,
                             firstLine: "Fixed the import in `main.swift` and added `GreetTests`; all 13 tests pass.")),
    ]

    func testASessionReadsAsItsEventsHoweverItIsCut() throws {
        assertChunkingDoesNotMatter(codex(), try fixture("codex/session.jsonl"), Self.sessionEvents)
    }

    func testAFailedTurnEndsWithItsError() throws {
        let rateLimit = "stream disconnected before completion: Rate limit reached for gpt-5-codex. Please try again in 20s."
        assertChunkingDoesNotMatter(codex(), try fixture("codex/failed-turn.jsonl"), [
            .session("0199a3f0-1b2c-7d10-9e8f-0a1b2c3d4e5f"),
            .activity(.thinking(firstLine: "Reading the failing test", length: 28)),
            .activity(.toolCall(tool: "Bash", toolUseID: "item_1", summary: "Bash: cat Tests/AppTests/GreetTests.swift")),
            .activity(.toolResult(toolUseID: "item_1", ok: true, firstLine: "import XCTest")),
            .activity(.error("Reconnecting... 1/5 (stream disconnected before completion: Transport error: error decoding response body)")),
            .activity(.result(ok: false, turns: 1, costUSD: 0)),
            .activity(.error("turn.failed: " + rateLimit)),
            .ended(SessionResult(subtype: "turn.failed", isError: true, turns: 1, durationMs: 0, costUSD: 0, permissionDenials: 0, firstLine: rateLimit)),
        ])
    }

    /// Each turn's tokens add to the session's, the cached ones apart from the rest.
    func testUsageIsARunningTotalOverTurns() {
        let events = decode([
            #"{"type":"turn.completed","usage":{"input_tokens":1000,"cached_input_tokens":800,"output_tokens":50}}"#,
            #"{"type":"turn.started"}"#,
            #"{"type":"turn.completed","usage":{"input_tokens":3000,"cached_input_tokens":2900,"output_tokens":70}}"#,
            #"{"type":"turn.completed","usage":{"input_tokens":"many","cached_input_tokens":99,"output_tokens":-4}}"#,
        ])
        let usages = events.compactMap { if case .usage(let u) = $0 { return u } else { return nil } }
        XCTAssertEqual(usages, [
            AgentUsage(inputTokens: 200, outputTokens: 50, cacheReadTokens: 800, turns: 1),
            AgentUsage(inputTokens: 300, outputTokens: 120, cacheReadTokens: 3700, turns: 2),
            AgentUsage(inputTokens: 300, outputTokens: 120, cacheReadTokens: 3700, turns: 3),
        ], "an odd count costs the field; cached tokens are never more than the input")
        XCTAssertTrue(usages.allSatisfy { $0.costUSD == 0 }, "Codex reports no money")
    }

    /// Items whose fields are missing or odd cost only what is missing.
    func testOddItemsCostOnlyTheirFields() {
        let events = decode([
            #"{"type":"item.completed","item":{"id":"c1","type":"command_execution","command":"bash -lc 'rm -rf build'","aggregated_output":"","exit_code":null,"status":"declined"}}"#,
            #"{"type":"item.completed","item":{"id":"c2","type":"command_execution","command":"/usr/bin/zsh -lc \"make\"","aggregated_output":"","exit_code":2,"status":"failed"}}"#,
            #"{"type":"item.completed","item":{"id":"c3","type":"command_execution","status":"completed","exit_code":true}}"#,
            #"{"type":"item.completed","item":{"id":"f1","type":"file_change","changes":[{"path":"/elsewhere/x.swift","kind":"delete"},{"kind":"moved"}],"status":"failed"}}"#,
            #"{"type":"item.completed","item":{"id":"f2","type":"file_change","changes":"none","status":"completed"}}"#,
            #"{"type":"item.completed","item":{"id":"m1","type":"mcp_tool_call","server":"db","tool":"query","arguments":{"sql":"select 1"},"result":null,"error":{"message":"connection refused\nretry later"},"status":"failed"}}"#,
            #"{"type":"item.completed","item":{"id":"w1","type":"web_search","query":"swift 6 sendable closures","action":{"type":"search"}}}"#,
            #"{"type":"item.completed","item":{"id":"r1","type":"reasoning","text":""}}"#,
            #"{"type":"item.completed","item":{"id":"a1","type":"agent_message","text":"  \n "}}"#,
            #"{"type":"item.completed","item":{"id":"x1","type":"collab_tool_call","tool":"spawn_agent"}}"#,
            #"{"type":"item.completed"}"#,
            #"{"type":"request_user_input","id":"t","call_id":"c","questions":[]}"#,
            #"{"type":"error"}"#,
            #"{"type":"turn.failed"}"#,
        ])
        assertSameEvents(events, [
            .activity(.toolCall(tool: "Bash", toolUseID: "c1", summary: "Bash: rm -rf build")),
            .activity(.toolResult(toolUseID: "c1", ok: false, firstLine: "declined")),
            .activity(.toolCall(tool: "Bash", toolUseID: "c2", summary: "Bash: make")),
            .activity(.toolResult(toolUseID: "c2", ok: false, firstLine: "exit code 2")),
            .activity(.toolCall(tool: "Bash", toolUseID: "c3", summary: "Bash:")),
            .activity(.toolResult(toolUseID: "c3", ok: true, firstLine: "(no output)")),
            .activity(.toolCall(tool: "Edit", toolUseID: "f1", summary: "Delete /elsewhere/x.swift, Change ?")),
            .activity(.toolResult(toolUseID: "f1", ok: false, firstLine: "not applied (failed)")),
            .activity(.toolCall(tool: "Edit", toolUseID: "f2", summary: "Edit (no files)")),
            .activity(.toolResult(toolUseID: "f2", ok: true, firstLine: "applied")),
            .activity(.toolCall(tool: "mcp__db__query", toolUseID: "m1", summary: #"mcp__db__query: {"sql":"select 1"}"#)),
            .activity(.toolResult(toolUseID: "m1", ok: false, firstLine: "connection refused")),
            .activity(.toolCall(tool: "WebSearch", toolUseID: "w1", summary: #"WebSearch: {"query":"swift 6 sendable closures"}"#)),
            .activity(.error("(no message)")),
            .activity(.result(ok: false, turns: 1, costUSD: 0)),
            .activity(.error("turn.failed: (no message)")),
            .ended(SessionResult(subtype: "turn.failed", isError: true, turns: 1, durationMs: 0, costUSD: 0, permissionDenials: 1,
                                 firstLine: "(no message)")),
        ], "a declined command counts as a refusal")
    }

    /// A command is shown once however many updates it gets; a patch shown as it took
    /// shape is not shown again when it completes.
    func testACallIsShownOnce() {
        let events = decode([
            #"{"type":"item.started","item":{"id":"c","type":"command_execution","command":"bash -lc ls","aggregated_output":"","status":"in_progress"}}"#,
            #"{"type":"item.updated","item":{"id":"c","type":"command_execution","command":"bash -lc ls","aggregated_output":"a\n","status":"in_progress"}}"#,
            #"{"type":"item.completed","item":{"id":"c","type":"command_execution","command":"bash -lc ls","aggregated_output":"a\nb\n","exit_code":0,"status":"completed"}}"#,
            #"{"type":"item.updated","item":{"id":"p","type":"file_change","changes":[{"path":"/work/wt/builder/a","kind":"add"}],"status":"in_progress"}}"#,
            #"{"type":"item.completed","item":{"id":"p","type":"file_change","changes":[{"path":"/work/wt/builder/a","kind":"add"}],"status":"completed"}}"#,
            #"{"type":"item.updated","item":{"id":"t","type":"todo_list","items":[{"text":"One","completed":false}]}}"#,
            #"{"type":"item.updated","item":{"id":"t","type":"todo_list","items":[{"text":"One","completed":false}]}}"#,
        ])
        XCTAssertEqual(events, [
            .activity(.toolCall(tool: "Bash", toolUseID: "c", summary: "Bash: ls")),
            .activity(.toolResult(toolUseID: "c", ok: true, firstLine: "a")),
            .activity(.toolCall(tool: "Edit", toolUseID: "p", summary: "Add a")),
            .activity(.toolResult(toolUseID: "p", ok: true, firstLine: "applied")),
            .activity(.toolCall(tool: "TodoList", toolUseID: "t", summary: "Plan 0/1: One")),
        ])
    }

    func testTheShellWrapperIsNotPartOfTheCommand() {
        let cases = [
            ("bash -lc ls", "ls"),
            ("bash -lc 'swift test --filter X'", "swift test --filter X"),
            ("/bin/zsh -c \"make -j4\"", "make -j4"),
            ("bash -lc 'a' && 'b'", "'a' && 'b'"),
            ("bash -lc", "bash -lc"),
            ("python3 -c print(1)", "python3 -c print(1)"),
            ("git status", "git status"),
            ("bash -lc ''", ""),
        ]
        for (command, shown) in cases { XCTAssertEqual(CodexStream.shellBody(command), shown, command) }
    }
}
