@testable import FactoryEngine
import Foundation
import XCTest

/// What `factory hook` keeps of each agent CLI's hook payload: Claude Code's as its CLI
/// 2.1.332 sent them (trimmed of ids), Gemini CLI's and Codex's as their docs give them.
final class HookPayloadTests: XCTestCase {
    private func record(_ event: String, _ json: String, complete: Bool = true) -> SignalRecord? {
        HookPayload.record(event: event, payload: Array(json.utf8), complete: complete, at: 100)
    }

    func testClaudeCodesToolEventsKeepTheToolAndALineOfItsInput() {
        let pre = #"{"session_id":"s","transcript_path":"/h/t.jsonl","cwd":"/w/architect","permission_mode":"default","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"touch made.txt","description":"Make"}}"#
        XCTAssertEqual(record("PreToolUse", pre), SignalRecord(time: 100, event: "PreToolUse", tool: "Bash", detail: "Bash: touch made.txt"))
        let edit = #"{"cwd":"/w/architect","hook_event_name":"PostToolUse","tool_name":"Edit","tool_input":{"file_path":"/w/architect/Sources/App.swift","old_string":"a","new_string":"b"},"tool_response":{"filePath":"/w/architect/Sources/App.swift"}}"#
        XCTAssertEqual(record("PostToolUse", edit)?.detail, "Edit Sources/App.swift", "paths relative to the agent's worktree")
        let permission = #"{"cwd":"/w","hook_event_name":"PermissionRequest","tool_name":"Bash","tool_input":{"command":"rm -rf build"},"permission_suggestions":[{"type":"addRules","rules":[{"toolName":"Bash","ruleContent":"rm -rf build"}],"behavior":"allow","destination":"localSettings"}]}"#
        XCTAssertEqual(record("PermissionRequest", permission), SignalRecord(time: 100, event: "PermissionRequest", tool: "Bash", detail: "Bash: rm -rf build"))
    }

    func testAQuestionKeepsItsQuestion() {
        let ask = #"{"hook_event_name":"PreToolUse","tool_name":"AskUserQuestion","tool_input":{"questions":[{"question":"Which greeting?","header":"Choice","options":[{"label":"Hello","description":"The Hello one"}],"multiSelect":false}]}}"#
        XCTAssertEqual(record("PreToolUse", ask), SignalRecord(time: 100, event: "PreToolUse", tool: "AskUserQuestion", detail: "question: Which greeting?"))
    }

    func testClaudeCodesOtherEventsKeepTheirKindAndWords() {
        let cases: [(String, String, SignalRecord)] = [
            ("Notification", #"{"hook_event_name":"Notification","message":"Claude needs your permission","notification_type":"permission_prompt"}"#,
             SignalRecord(time: 100, event: "Notification", kind: "permission_prompt", detail: "Claude needs your permission")),
            ("Notification", #"{"hook_event_name":"Notification","message":"Claude is waiting for your input","notification_type":"idle_prompt"}"#,
             SignalRecord(time: 100, event: "Notification", kind: "idle_prompt", detail: "Claude is waiting for your input")),
            ("Stop", #"{"hook_event_name":"Stop","stop_hook_active":false,"last_assistant_message":"Done.\nAll of it.","background_tasks":[]}"#,
             SignalRecord(time: 100, event: "Stop", detail: "Done.")),
            ("UserPromptSubmit", ##"{"hook_event_name":"UserPromptSubmit","prompt":"# Architect\n\nYou design."}"##,
             SignalRecord(time: 100, event: "UserPromptSubmit", detail: "# Architect")),
            ("SessionStart", #"{"hook_event_name":"SessionStart","source":"startup"}"#, SignalRecord(time: 100, event: "SessionStart", kind: "startup")),
            ("SessionEnd", #"{"hook_event_name":"SessionEnd","reason":"other"}"#, SignalRecord(time: 100, event: "SessionEnd", kind: "other")),
        ]
        for (event, json, expected) in cases { XCTAssertEqual(record(event, json), expected, json) }
    }

    /// Codex's notify JSON (docs/config.md, `notify`).
    func testCodexsTurnCompleteNotification() {
        let json = #"{"type":"agent-turn-complete","thread-id":"b5f6c1c2-1111-2222-3333-444455556666","turn-id":"12345","cwd":"/Users/alice/projects/example","input-messages":["Rename `foo` to `bar` and update the callsites."],"last-assistant-message":"Rename complete and verified `cargo build` succeeds."}"#
        let r = record("codex-notify", json)
        XCTAssertEqual(r, SignalRecord(time: 100, event: "codex-notify", kind: "agent-turn-complete", detail: "Rename complete and verified `cargo build` succeeds."))
        XCTAssertEqual(r.map(HookSignals.meaning), .idle)
    }

    /// Gemini CLI's hook input (docs/hooks/reference.md): the same fields as Claude Code's
    /// where they mean the same, its own event names and tools.
    func testGeminiCLIsHookInput() {
        let base = #""session_id":"s","transcript_path":"/t.json","cwd":"/w","timestamp":"2026-11-26T14:02:05Z""#
        let tool = record("BeforeTool", #"{\#(base),"hook_event_name":"BeforeTool","tool_name":"run_shell_command","tool_input":{"command":"npm test"}}"#)
        XCTAssertEqual(tool?.tool, "run_shell_command")
        XCTAssertEqual(tool?.detail, #"run_shell_command: {"command":"npm test"}"#)
        let ask = record("Notification", #"{\#(base),"hook_event_name":"Notification","notification_type":"ToolPermission","message":"Allow run_shell_command?","details":{"tool":"run_shell_command"}}"#)
        XCTAssertEqual(ask, SignalRecord(time: 100, event: "Notification", kind: "ToolPermission", detail: "Allow run_shell_command?"))
        XCTAssertEqual(ask.map(HookSignals.meaning), .waitingInput)
        let done = record("AfterAgent", #"{\#(base),"hook_event_name":"AfterAgent","prompt":"fix it","prompt_response":"Fixed the test.","stop_hook_active":false}"#)
        XCTAssertEqual(done?.detail, "Fixed the test.", "the answer, not the prompt")
        XCTAssertEqual(done.map(HookSignals.meaning), .idle)
    }

    /// The event is worth keeping whatever came with it; a payload cut short still names its
    /// tool; an event that is not a word is not kept at all.
    func testGarbageAndCutPayloads() {
        XCTAssertEqual(record("Stop", "not json {"), SignalRecord(time: 100, event: "Stop"))
        XCTAssertEqual(record("Stop", ""), SignalRecord(time: 100, event: "Stop"))
        XCTAssertEqual(record("Stop", "[1,2]"), SignalRecord(time: 100, event: "Stop"))
        let cut = #"{"cwd":"/w","hook_event_name":"PostToolUse","tool_name":"Re\u0061d","tool_input":{"file_path":"/w/big"},"tool_response":{"content":"aaaa"#
        XCTAssertEqual(record("PostToolUse", cut, complete: false), SignalRecord(time: 100, event: "PostToolUse", tool: "Read"))
        XCTAssertNil(record("PostToolUse", #"{"tool_name":"Rea"#, complete: false)?.tool, "a name cut short is no name")
        for bad in ["", "Pre Tool", "../x", "Stop\n", String(repeating: "A", count: 65), "Stöp"] {
            XCTAssertNil(record(bad, "{}"), bad)
        }
    }

    /// However long or strange the fields, a record's line fits one atomic append.
    func testARecordsLineIsCapped() throws {
        let strange = String(repeating: "\u{1}\u{301}", count: 5000)
        let r = SignalRecord(time: 1, event: "PreToolUse", kind: strange, tool: strange, detail: strange)
        let line = r.line
        XCTAssertLessThanOrEqual(line.count, SignalRecord.lineLimit)
        XCTAssertEqual(line.last, 0x0A)
        let back = try XCTUnwrap(SignalRecord(line: line.dropLast()))
        XCTAssertEqual(back.event, "PreToolUse")
        let plain = SignalRecord(time: 1, event: "Stop", detail: String(repeating: "word ", count: 200))
        XCTAssertEqual(SignalRecord(line: plain.line.dropLast())?.detail?.count, SignalRecord.detailLimit)
    }
}
