import Foundation

/// The lines factory writes to a Claude Code agent's stdin (`--input-format stream-json`):
/// the task as the first user message, then one answer per permission request. Each is a
/// single JSON object ending in `\n`; the agent reads stdin line by line.
public enum ClaudeControl {
    /// The task, as the user's first message.
    public static func userMessage(_ text: String) -> String {
        line(["type": "user", "message": ["role": "user", "content": text]])
    }

    /// Run the call as asked: the input goes back unchanged (the agent runs what it is sent).
    public static func allow(_ request: PermissionRequest) -> String {
        response(request, ["behavior": "allow", "updatedInput": input(of: request)])
    }

    /// A control request factory does not serve, answered with an error so the agent goes on.
    public static func unsupported(requestID: String, subtype: String) -> String {
        line(["type": "control_response",
              "response": ["subtype": "error", "request_id": requestID, "error": "factory does not answer \(subtype) requests"] as [String: Any]])
    }

    /// The human's answers to an `AskUserQuestion` call: the call runs with its input plus
    /// `answers`, each question's text mapped to the answer (the shape the Agent SDK sends).
    public static func answer(_ request: PermissionRequest, _ answers: [String: String]) -> String {
        var input = input(of: request) as? [String: Any] ?? [:]
        input["answers"] = answers
        return response(request, ["behavior": "allow", "updatedInput": input])
    }

    /// Refuse the call; the agent reads `message` as the reason and carries on without it.
    public static func deny(_ request: PermissionRequest, message: String) -> String {
        response(request, ["behavior": "deny", "message": message])
    }

    /// Run the call and let calls matching `rule` run without asking for the rest of the
    /// session. The rule is an `addRules` permission update, the shape the Agent SDK sends as
    /// `updatedPermissions` (read from its sources; the plain allow is the shape verified
    /// against the CLI here). Destination `session`: the rule dies with the agent's session,
    /// and nothing is written into the user's or the project's settings files.
    public static func alwaysAllow(_ request: PermissionRequest, rule: PermissionRule) -> String {
        var ruleJSON: [String: Any] = ["toolName": rule.tool]
        if let pattern = rule.pattern { ruleJSON["ruleContent"] = pattern }
        let update: [String: Any] = ["type": "addRules", "rules": [ruleJSON], "behavior": "allow", "destination": "session"]
        return response(request, ["behavior": "allow", "updatedInput": input(of: request), "updatedPermissions": [update]])
    }

    private static func response(_ request: PermissionRequest, _ answer: [String: Any]) -> String {
        line(["type": "control_response",
              "response": ["subtype": "success", "request_id": request.requestID, "response": answer] as [String: Any]])
    }

    /// The request's input as an object. It was written by `ClaudeStream` from a parsed object,
    /// so it parses; were it ever not to, an empty input makes the tool refuse the call,
    /// which is safer than running something other than what was asked.
    private static func input(of request: PermissionRequest) -> Any {
        (try? JSONSerialization.jsonObject(with: Data(request.inputJSON.utf8))) as? [String: Any] ?? [String: Any]()
    }

    private static func line(_ object: [String: Any]) -> String {
        (CompactJSON.text(object) ?? "{}") + "\n"
    }
}
