import Foundation
@testable import FactoryEngine

/// A whole Claude Code session as `claude -p --output-format stream-json --verbose
/// --input-format stream-json --permission-prompt-tool stdio` writes it, written by hand
/// from the documented shapes (AGENT-CLIS.md): init, thinking, text, a Bash call that asks
/// for permission, its result, a final answer and the result. Claude Code sends one
/// `assistant` line per content block, each repeating its message's usage.
enum ClaudeFixture {
    static let receivedAt = Date(timeIntervalSince1970: 1_800_000_000)

    static let sessionLines = [
        #"{"type":"system","subtype":"init","cwd":"/work/wt/builder","session_id":"sess-1","tools":["Bash","Edit","Read"],"model":"claude-x","permissionMode":"default"}"#,
        #"{"type":"assistant","message":{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"thinking","thinking":"First I look at the tests.\nThen more.","signature":"c2ln"}],"usage":{"input_tokens":10,"output_tokens":5,"cache_read_input_tokens":100,"cache_creation_input_tokens":20}},"session_id":"sess-1","parent_tool_use_id":null}"#,
        #"{"type":"assistant","message":{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"text","text":"I will run the tests."}],"usage":{"input_tokens":10,"output_tokens":5,"cache_read_input_tokens":100,"cache_creation_input_tokens":20}},"session_id":"sess-1","parent_tool_use_id":null}"#,
        #"{"type":"assistant","message":{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"swift test\n  --parallel","description":"Run tests"}}],"usage":{"input_tokens":10,"output_tokens":30,"cache_read_input_tokens":100,"cache_creation_input_tokens":20}},"session_id":"sess-1","parent_tool_use_id":null}"#,
        #"{"type":"control_request","request_id":"req-1","request":{"subtype":"can_use_tool","tool_name":"Bash","display_name":"Bash","input":{"command":"swift test\n  --parallel","description":"Run tests"},"description":"Run tests","permission_suggestions":[{"type":"addRules","rules":[{"toolName":"Bash","ruleContent":"swift test *"}],"behavior":"allow","destination":"localSettings"}],"blocked_path":null,"tool_use_id":"toolu_1"}}"#,
        #"{"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"\nAll 12 tests passed\nmore","is_error":false}]},"session_id":"sess-1","parent_tool_use_id":null}"#,
        #"{"type":"assistant","message":{"id":"msg_2","type":"message","role":"assistant","content":[{"type":"text","text":"Done: all tests pass."}],"usage":{"input_tokens":50,"output_tokens":8,"cache_read_input_tokens":200,"cache_creation_input_tokens":0}},"session_id":"sess-1","parent_tool_use_id":null}"#,
        #"{"type":"result","subtype":"success","is_error":false,"duration_ms":4321,"duration_api_ms":4000,"num_turns":2,"result":"Done: all tests pass.","session_id":"sess-1","total_cost_usd":0.0123,"usage":{"input_tokens":60,"output_tokens":40,"cache_read_input_tokens":300,"cache_creation_input_tokens":20},"permission_denials":[]}"#,
    ]

    static var session: [UInt8] { Array(sessionLines.map { $0 + "\n" }.joined().utf8) }

    static let bashRequest = PermissionRequest(
        requestID: "req-1", tool: "Bash", inputJSON: #"{"command":"swift test\n  --parallel","description":"Run tests"}"#,
        summary: "Bash: swift test ⏎ --parallel", toolUseID: "toolu_1",
        suggestions: [PermissionRule(tool: "Bash", pattern: "swift test *")],
        suggestionsJSON: #"[{"behavior":"allow","destination":"localSettings","rules":[{"ruleContent":"swift test *","toolName":"Bash"}],"type":"addRules"}]"#,
        description: "Run tests", receivedAt: receivedAt)

    static let sessionEvents: [AgentStreamEvent] = [
        .session("sess-1"),
        .activity(.thinking(firstLine: "First I look at the tests.", length: 37)),
        .usage(AgentUsage(inputTokens: 10, outputTokens: 5, cacheReadTokens: 100, cacheCreationTokens: 20)),
        .activity(.text("I will run the tests.")),
        .usage(AgentUsage(inputTokens: 10, outputTokens: 5, cacheReadTokens: 100, cacheCreationTokens: 20)),
        .activity(.toolCall(tool: "Bash", toolUseID: "toolu_1", summary: "Bash: swift test ⏎ --parallel")),
        .usage(AgentUsage(inputTokens: 10, outputTokens: 30, cacheReadTokens: 100, cacheCreationTokens: 20)),
        .request(bashRequest),
        .activity(.toolResult(toolUseID: "toolu_1", ok: true, firstLine: "All 12 tests passed")),
        .activity(.text("Done: all tests pass.")),
        .usage(AgentUsage(inputTokens: 60, outputTokens: 38, cacheReadTokens: 300, cacheCreationTokens: 20)),
        .usage(AgentUsage(inputTokens: 60, outputTokens: 40, cacheReadTokens: 300, cacheCreationTokens: 20, costUSD: 0.0123, turns: 2)),
        .activity(.result(ok: true, turns: 2, costUSD: 0.0123)),
        .ended(SessionResult(subtype: "success", isError: false, turns: 2, durationMs: 4321, costUSD: 0.0123,
                             permissionDenials: 0, firstLine: "Done: all tests pass.")),
    ]

    static func stream() -> ClaudeStream { ClaudeStream(now: { receivedAt }) }

    /// Feeds `bytes` in chunks of the sizes `sizes` gives, then finishes.
    static func events(_ bytes: [UInt8], chunks sizes: () -> Int = { Int.max }, lineLimit: Int = ClaudeStream.lineLimit) -> [AgentStreamEvent] {
        decodeInChunks(ClaudeStream(lineLimit: lineLimit, now: { receivedAt }), bytes, chunks: sizes)
    }
}

/// A small seeded generator, so a failing chunking is the same failure on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 11 ^ state
    }
}
