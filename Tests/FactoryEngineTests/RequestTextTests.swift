import Foundation
@testable import FactoryEngine
import InertText
import XCTest

/// A request whole, as a person reads it before answering: every tool's input shown in
/// full, in parts, with nothing cut and no field left out; the same text in `status --json`
/// and in the events' log.
final class RequestTextTests: XCTestCase {
    func request(_ tool: String, _ input: Any, description: String = "") throws -> PermissionRequest {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: input, options: [.sortedKeys]), as: UTF8.self)
        return PermissionRequest(requestID: "r1", tool: tool, inputJSON: json, summary: ToolSummary.summary(tool: tool, input: input),
                                 toolUseID: "t1", description: description, receivedAt: Date(timeIntervalSince1970: 0))
    }

    /// The tail that the one-line summary cut off is in the text, and every line of the
    /// command is a line of its own.
    func testACommandIsWholeWithEveryLine() throws {
        let command = "echo " + String(repeating: "a", count: 5_000) + " && touch /tmp/PWNED\nrm -rf ~"
        let r = try request("Bash", ["command": command, "description": "Say a", "timeout": 60_000])
        XCTAssertFalse(r.summary.contains("PWNED"), "the summary is cut (the bug this text answers)")
        XCTAssertEqual(RequestText(r).plain, """
            command:
              echo \(String(repeating: "a", count: 5_000)) && touch /tmp/PWNED
              rm -rf ~
            the agent says:
              Say a
            other input:
              {
                "timeout" : 60000
              }
            """)
    }

    /// A Write's content with all its lines; the agent's own sentence about the call.
    func testAWriteHasAllItsContent() throws {
        let content = (1...3_000).map { "line \($0)" }.joined(separator: "\n")
        let text = RequestText(try request("Write", ["file_path": "/r/big.txt", "content": content], description: "Writes it"))
        XCTAssertEqual(text.parts.map(\.label), ["file", "content (3000 lines)", "the agent says"])
        XCTAssertEqual(text.parts[1].lines.count, 3_000)
        XCTAssertEqual(text.parts[1].lines.last?.text, "line 3000")
        XCTAssertTrue(text.plain.hasSuffix("  line 2999\n  line 3000\nthe agent says:\n  Writes it"), text.plain)
    }

    /// An Edit as a patch, every occurrence said; MultiEdit as one patch an edit.
    func testEditsArePatches() throws {
        let edit = try request("Edit", ["file_path": "/r/a.swift", "old_string": "let a = 1\nlet b = 2", "new_string": "let a = 3", "replace_all": true])
        XCTAssertEqual(RequestText(edit).plain, """
            file:
              /r/a.swift
            replace every occurrence:
              - let a = 1
              - let b = 2
              + let a = 3
            """)
        let multi = try request("MultiEdit", ["file_path": "/r/a.swift", "edits": [
            ["old_string": "x", "new_string": "y"], ["old_string": "p", "new_string": "q", "replace_all": false],
        ]])
        XCTAssertEqual(RequestText(multi).plain, "file:\n  /r/a.swift\nedit 1 of 2: replace:\n  - x\n  + y\nedit 2 of 2: replace:\n  - p\n  + q")
        // An edit carrying what no patch shows is shown as JSON, all of it.
        let odd = try request("MultiEdit", ["file_path": "/r/a.swift", "edits": [["old_string": "x", "new_string": "y", "why": "z"]]])
        XCTAssertEqual(RequestText(odd).parts.map(\.label), ["input"])
        XCTAssertTrue(RequestText(odd).plain.contains("\"why\" : \"z\""), RequestText(odd).plain)
    }

    /// A question with its header and every choice, none cut however long.
    func testAQuestionHasEveryChoiceWhole() throws {
        let long = String(repeating: "b", count: 3_000)
        let r = try request("AskUserQuestion", ["questions": [
            ["question": "Which database?", "header": "DB", "multiSelect": true,
             "options": [["label": "Postgres", "description": "the usual"], ["label": long, "description": ""]]],
        ]])
        XCTAssertEqual(RequestText(r).plain, "question 1 of 1 · DB · several may be picked:\n  Which database?\n  1. Postgres — the usual\n  2. \(long)")
        let questions = AgentQuestion.list(in: ["questions": [["question": long, "options": [["label": long]]]]])
        XCTAssertEqual(questions.first?.question, long, "the answer goes back keyed by the question's whole text")
        XCTAssertEqual(try questions.first?.answer("1"), long, "a choice's number answers with its whole label")
    }

    /// Any other tool: its input as indented JSON, keys sorted.
    func testAnyOtherToolIsIndentedJSON() throws {
        let r = try request("WebFetch", ["url": "https://example.com/x", "prompt": "Read it"])
        XCTAssertEqual(RequestText(r).plain, "input:\n  {\n    \"prompt\" : \"Read it\",\n    \"url\" : \"https://example.com/x\"\n  }")
        let empty = PermissionRequest(requestID: "s", tool: "Screen", inputJSON: "{}", summary: "Bash command ⏎ make", toolUseID: "",
                                      receivedAt: Date(timeIntervalSince1970: 0))
        XCTAssertEqual(RequestText(empty).plain, "summary (the request carries nothing more):\n  Bash command ⏎ make", "never an empty view")
    }

    /// A prompt read from a screen: its lines as captured (Claude Code's own screen, the
    /// command on three lines of it), kept in the request's input.
    func testAScreenPromptKeepsItsLines() throws {
        let lines = [" echo " + String(repeating: "c", count: 90), " " + String(repeating: "d", count: 90), " && touch /tmp/PWNED"]
        let screen = try ScreenFixtureTests.fixture("claude", "permission").screen
            .replacingOccurrences(of: " rm -rf build && echo removed\n╌", with: lines.joined(separator: "\n") + "\n╌")
        var seen = SessionScreen(rules: try ScreenRules.load("claude", userDirectory: nil))
        let request = try XCTUnwrap(seen.read(screen, now: 0).request, "a request read from:\n\(screen)")
        XCTAssertTrue(request.isOnScreen)
        XCTAssertFalse(request.summary.contains("PWNED"), "the one-line summary is cut")
        XCTAssertEqual(RequestText(request).plain, "on its screen:\n" + lines.map { "  " + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n"))
    }

    /// `status --json` carries the request's fields as before, and `text`, whole; an event
    /// of a request carries it too, escaped like all of factory's JSON.
    func testTheJSONCarriesTheTextWhole() throws {
        let command = "printf '\u{1B}]2;x\u{07}' " + String(repeating: "z", count: 300) + " && touch /tmp/PWNED"
        var agent = AgentSnapshot(role: "builder", state: .waitingInput, pid: nil, exitCode: nil, startedAt: nil, attempts: 1,
                                  tasks: TaskCounts(done: 0, total: 1), worktree: nil, external: [])
        agent.request = try request("Bash", ["command": command])
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: try Inert.json(agent)) as? [String: Any])
        let shown = try XCTUnwrap(json["request"] as? [String: Any])
        XCTAssertEqual(Set(shown.keys), ["requestID", "tool", "inputJSON", "summary", "toolUseID", "suggestions", "suggestionsJSON",
                                         "description", "receivedAt", "text"])
        XCTAssertEqual(shown["text"] as? String, "command:\n  " + command)
        let event = EngineEvent(time: 0, kind: .permissionRequest, phase: "implementation", role: "builder", message: "builder asks",
                                request: EngineEvent.Request(try XCTUnwrap(agent.request), whole: true))
        let line = String(decoding: try Inert.json(event), as: UTF8.self)
        XCTAssertTrue(line.contains(#"\u001b]2;x\u0007' zzz"#), line)
        XCTAssertTrue(line.contains("&& touch /tmp/PWNED"), line)
        XCTAssertFalse(line.unicodeScalars.contains { $0.value < 0x20 }, "no raw control in the log")
        let quiet = EngineEvent(time: 0, kind: .phase, phase: "implementation", role: nil, message: "m")
        XCTAssertEqual(Set((try JSONSerialization.jsonObject(with: try Inert.json(quiet)) as? [String: Any] ?? [:]).keys),
                       ["time", "kind", "phase", "message"], "other events keep their keys")
    }
}
