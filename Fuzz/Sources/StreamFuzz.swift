import Foundation
@testable import FactoryEngine

/// The agent CLIs' output streams: any bytes decode without a crash, the events do not
/// depend on how the pipe cut the bytes, and every answer factory would write back to a
/// permission request is one JSON line for that request.
enum StreamFuzz {
    static let fixedNow = Date(timeIntervalSince1970: 1_800_000_000)

    static func claude(_ bytes: [UInt8]) { decode(bytes) { ClaudeStream(lineLimit: 4096, now: { fixedNow }) } }
    static func codex(_ bytes: [UInt8]) { decode(bytes) { CodexStream(cwd: "/repo", lineLimit: 4096) } }
    static func gemini(_ bytes: [UInt8]) { decode(bytes) { GeminiStream(cwd: "/repo", lineLimit: 4096) } }

    static func decode<D: AgentStreamDecoder>(_ bytes: [UInt8], _ make: () -> D) {
        var whole = make()
        let events = whole.feed(bytes) + whole.finish()
        var pieces = make()
        let chunked = chunks(of: bytes).flatMap { pieces.feed($0) } + pieces.finish()
        check(events == chunked, "events depend on where reads cut the stream:\n\(events)\nvs\n\(chunked)")
        for event in events { answers(event) }
    }

    /// What the engine does with a request: its policy, its "always" rule, each answer line.
    static func answers(_ event: AgentStreamEvent) {
        switch event {
        case .request(let request):
            let policy = PermissionPolicy(allow: ["Edit", "Bash(git commit:*)", "Write(docs/*)", "Bash(factory *)"], deny: ["Bash(git push:*)"])
            _ = policy.decide(request)
            if let rule = request.alwaysRule {
                _ = PermissionPolicy(allow: [rule.text]).decide(request)
                checkAnswer(ClaudeControl.alwaysAllow(request, rule: rule), request)
            }
            checkAnswer(ClaudeControl.allow(request), request)
            checkAnswer(ClaudeControl.deny(request, message: "no\nreally"), request)
            for question in request.questions ?? [] {
                _ = question.line
                _ = try? question.answer("1,2")
                _ = try? question.answer("\(question.choices.count + 1)")
            }
            let answers = Dictionary((request.questions ?? []).map { ($0.question, "yes") }, uniquingKeysWith: { a, _ in a })
            checkAnswer(ClaudeControl.answer(request, answers), request)
            _ = try? JSONEncoder().encode(request)
        case .unanswerable(let id, let subtype):
            checkLine(ClaudeControl.unsupported(requestID: id, subtype: subtype), id)
        default:
            break
        }
    }

    static func checkAnswer(_ line: String, _ request: PermissionRequest) { checkLine(line, request.requestID) }

    /// One line, ending in its only newline, a JSON object answering `id`.
    static func checkLine(_ line: String, _ id: String) {
        check(line.hasSuffix("\n") && line.utf8.filter { $0 == 0x0A }.count == 1, "answer is not one line: \(String(reflecting: line))")
        let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        let response = object?["response"] as? [String: Any]
        check(response?["request_id"] as? String == id, "answer does not name request \(String(reflecting: id)): \(line)")
    }
}
