@testable import FactoryEngine
import Foundation
import XCTest

/// Each line factory writes to the agent parses back, with JSONSerialization, as the JSON
/// the control protocol documents.
final class ClaudeControlTests: XCTestCase {
    private func parse(_ line: String, file: StaticString = #filePath, lineNumber: UInt = #line) throws -> [String: Any] {
        XCTAssertTrue(line.hasSuffix("\n"), "a line ends in a newline", file: file, line: lineNumber)
        XCTAssertEqual(line.filter { $0 == "\n" }.count, 1, "one line, whatever the text held", file: file, line: lineNumber)
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try XCTUnwrap(object as? [String: Any], file: file, line: lineNumber)
    }

    /// The `response` of a control_response, after checking its envelope.
    private func answer(_ line: String, requestID: String) throws -> [String: Any] {
        let object = try parse(line)
        XCTAssertEqual(object["type"] as? String, "control_response")
        let response = try XCTUnwrap(object["response"] as? [String: Any])
        XCTAssertEqual(response["subtype"] as? String, "success")
        XCTAssertEqual(response["request_id"] as? String, requestID)
        XCTAssertEqual(Set(response.keys), ["subtype", "request_id", "response"])
        return try XCTUnwrap(response["response"] as? [String: Any])
    }

    func testTheTaskIsTheFirstUserMessage() throws {
        let task = "Build it.\nQuotes \" and \\ and é and \u{1} stay text."
        let object = try parse(ClaudeControl.userMessage(task))
        XCTAssertEqual(object["type"] as? String, "user")
        let message = try XCTUnwrap(object["message"] as? [String: Any])
        XCTAssertEqual(message["role"] as? String, "user")
        XCTAssertEqual(message["content"] as? String, task)
        XCTAssertEqual(Set(object.keys), ["type", "message"])
    }

    func testAllowSendsTheInputBackUnchanged() throws {
        let response = try answer(ClaudeControl.allow(ClaudeFixture.bashRequest), requestID: "req-1")
        XCTAssertEqual(response["behavior"] as? String, "allow")
        let input = try XCTUnwrap(response["updatedInput"] as? [String: Any])
        XCTAssertEqual(input["command"] as? String, "swift test\n  --parallel")
        XCTAssertEqual(input["description"] as? String, "Run tests")
        XCTAssertEqual(input.count, 2)
        XCTAssertNil(response["updatedPermissions"])
    }

    func testAllowAfterReadingTheStreamIsTheExactLine() {
        let events = ClaudeFixture.events(ClaudeFixture.session)
        let requests = events.compactMap { event -> PermissionRequest? in
            if case .request(let request) = event { return request } else { return nil }
        }
        XCTAssertEqual(requests.count, 1)
        XCTAssertEqual(requests.first.map(ClaudeControl.allow),
                       #"{"response":{"request_id":"req-1","response":{"behavior":"allow","updatedInput":{"command":"swift test\n  --parallel","description":"Run tests"}},"subtype":"success"},"type":"control_response"}"# + "\n")
    }

    func testDenyCarriesTheReason() throws {
        let response = try answer(ClaudeControl.deny(ClaudeFixture.bashRequest, message: "Not on main, please."), requestID: "req-1")
        XCTAssertEqual(response["behavior"] as? String, "deny")
        XCTAssertEqual(response["message"] as? String, "Not on main, please.")
        XCTAssertEqual(response.count, 2)
    }

    func testAlwaysAllowAddsASessionRule() throws {
        let rule = PermissionRule(tool: "Bash", pattern: "swift test *")
        let response = try answer(ClaudeControl.alwaysAllow(ClaudeFixture.bashRequest, rule: rule), requestID: "req-1")
        XCTAssertEqual(response["behavior"] as? String, "allow")
        XCTAssertEqual((response["updatedInput"] as? [String: Any])?["command"] as? String, "swift test\n  --parallel")
        let updates = try XCTUnwrap(response["updatedPermissions"] as? [[String: Any]])
        XCTAssertEqual(updates.count, 1)
        XCTAssertEqual(updates.first?["type"] as? String, "addRules")
        XCTAssertEqual(updates.first?["behavior"] as? String, "allow")
        XCTAssertEqual(updates.first?["destination"] as? String, "session")
        let rules = try XCTUnwrap(updates.first?["rules"] as? [[String: Any]])
        XCTAssertEqual(rules.count, 1)
        XCTAssertEqual(rules.first?["toolName"] as? String, "Bash")
        XCTAssertEqual(rules.first?["ruleContent"] as? String, "swift test *")

        let whole = try answer(ClaudeControl.alwaysAllow(ClaudeFixture.bashRequest, rule: PermissionRule(tool: "Read")), requestID: "req-1")
        let wholeRules = (whole["updatedPermissions"] as? [[String: Any]])?.first?["rules"] as? [[String: Any]]
        XCTAssertEqual(wholeRules?.first?.keys.sorted(), ["toolName"], "no pattern: the whole tool")
    }

    func testAnUnreadableInputIsNeverSentAsSomethingElse() throws {
        var request = ClaudeFixture.bashRequest
        request.inputJSON = "{not json"
        let response = try answer(ClaudeControl.allow(request), requestID: "req-1")
        XCTAssertEqual((response["updatedInput"] as? [String: Any])?.count, 0)
    }

    /// A question (AskUserQuestion) is read with its choices; the answer goes back as the
    /// tool's input plus `answers`, a choice's number picking its label.
    func testAQuestionIsReadAndAnsweredWithItsInput() throws {
        let line = #"{"type":"control_request","request_id":"q1","request":{"subtype":"can_use_tool","tool_name":"AskUserQuestion","tool_use_id":"t","input":{"questions":[{"question":"Which DB?","header":"DB","multiSelect":false,"options":[{"label":"Postgres","description":"big"},{"label":"SQLite","description":"small"}]},{"question":"Which ports?","header":"Ports","multiSelect":true,"options":[{"label":"80","description":""},{"label":"443","description":""},{"label":"8080","description":""}]}]}}}"#
        let events = ClaudeFixture.events(Array((line + "\n").utf8))
        guard case .request(let request) = events.first else { return XCTFail("\(events)") }
        XCTAssertEqual(request.summary, "question: Which DB?")
        let questions = try XCTUnwrap(request.questions)
        XCTAssertEqual(questions.map(\.line), ["Which DB? 1 Postgres · 2 SQLite", "Which ports? 1 80 · 2 443 · 3 8080"])
        XCTAssertEqual(try questions[0].answer("2"), "SQLite")
        XCTAssertThrowsError(try questions[0].answer("1,2")) { XCTAssertEqual("\($0)", "\"Which DB?\" takes one choice") }
        XCTAssertEqual(try questions[0].answer(" MySQL please "), "MySQL please", "own words")
        XCTAssertThrowsError(try questions[0].answer("9")) {
            XCTAssertEqual("\($0)", "9 is not a choice of \"Which DB?\" (1–2); type words to answer otherwise")
        }
        XCTAssertEqual(try questions[1].answer("1, 3"), "80, 8080")
        let response = try answer(ClaudeControl.answer(request, ["Which DB?": "SQLite"]), requestID: "q1")
        XCTAssertEqual(response["behavior"] as? String, "allow")
        let input = try XCTUnwrap(response["updatedInput"] as? [String: Any])
        XCTAssertEqual(input["answers"] as? [String: String], ["Which DB?": "SQLite"])
        XCTAssertEqual((input["questions"] as? [Any])?.count, 2, "the questions go back as asked")
    }

    /// A request factory does not serve gets an error at once: the agent does not wait.
    func testAnUnsupportedRequestGetsAnError() throws {
        let object = try parse(ClaudeControl.unsupported(requestID: "r9", subtype: "hook_callback"))
        let response = try XCTUnwrap(object["response"] as? [String: Any])
        XCTAssertEqual(response["subtype"] as? String, "error")
        XCTAssertEqual(response["request_id"] as? String, "r9")
        XCTAssertEqual(response["error"] as? String, "factory does not answer hook_callback requests")
    }
}
