import Foundation

/// Reads `codex exec --json` from the agent's stdout: JSON Lines of thread events
/// (`thread.started`, `turn.started`, `item.started` / `item.updated` / `item.completed`,
/// `turn.completed`, `turn.failed`, `error`), as Codex's `exec_events.rs` defines them.
///
/// Codex asks factory nothing (`codex exec` never asks for approvals) and reports no money,
/// so cost stays 0. A command is shown when it starts and its result when it completes; a
/// file change, a search or an MCP call is shown once, whichever of its events comes first.
public struct CodexStream: AgentStreamDecoder {
    private var lines: JSONLines
    /// The agent's working directory: paths inside it are shown relative to it.
    private let cwd: String?
    private var usage = AgentUsage()
    /// Items whose call is shown and whose result is still to come.
    private var shown: Set<String> = []
    /// The plan as last shown, so an unchanged update is not shown again.
    private var plan = ""
    private var declined = 0
    /// The agent's last message: its final answer, once the turn is over.
    private var answer = ""

    public init(cwd: String? = nil, lineLimit: Int = CodexStream.lineLimit) {
        lines = JSONLines(limit: lineLimit)
        self.cwd = cwd
    }

    public mutating func feed<Bytes: Collection>(_ chunk: Bytes) -> [AgentStreamEvent] where Bytes.Element == UInt8 {
        lines.feed(chunk).flatMap { $0.events { read($0) } }
    }

    public mutating func finish() -> [AgentStreamEvent] {
        lines.finish().flatMap { $0.events { read($0) } }
    }

    private mutating func read(_ event: [String: Any]) -> [AgentStreamEvent] {
        let item = event["item"] as? [String: Any] ?? [:]
        switch event["type"] as? String {
        case "thread.started":
            return (event["thread_id"] as? String).map { [.session($0.capped(200))] } ?? []
        case "item.started", "item.updated":
            return progress(item)
        case "item.completed":
            return completed(item)
        case "turn.completed":
            return turnCompleted(event["usage"] as? [String: Any] ?? [:])
        case "turn.failed":
            return turnFailed(Self.message(event["error"]))
        case "error":
            return [.activity(.error(Self.message(event).firstLine()))]
        default:
            // `turn.started`, plan deltas, and types newer than this reader.
            return []
        }
    }

    /// An item under way: a command starting, a patch or the plan taking shape.
    private mutating func progress(_ item: [String: Any]) -> [AgentStreamEvent] {
        switch item["type"] as? String {
        case "command_execution", "file_change", "mcp_tool_call":
            return call(item)
        case "todo_list":
            return planShown(item)
        default:
            // Messages and reasoning are read whole, when they complete.
            return []
        }
    }

    private mutating func completed(_ item: [String: Any]) -> [AgentStreamEvent] {
        let text = item["text"] as? String ?? ""
        switch item["type"] as? String {
        case "agent_message":
            let said = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !said.isEmpty else { return [] }
            answer = said.capped()
            return [.activity(.text(answer))]
        case "reasoning":
            // A summary in Markdown: `**Searching for README files**`.
            let first = text.firstLine().trimmingCharacters(in: CharacterSet(charactersIn: "*_ "))
            guard !first.isEmpty else { return [] }
            return [.activity(.thinking(firstLine: first.capped(ToolSummary.limit), length: text.count))]
        case "command_execution", "file_change", "mcp_tool_call":
            return call(item) + result(item)
        case "web_search":
            return call(item)
        case "todo_list":
            return planShown(item)
        case "error":
            return [.activity(.error(Self.message(item).firstLine()))]
        default:
            return []
        }
    }

    /// The item's call, the first time it is seen.
    private mutating func call(_ item: [String: Any]) -> [AgentStreamEvent] {
        let id = JSONField.id(item["id"])
        guard !shown.contains(id) else { return [] }
        let (tool, summary): (String, String)
        switch item["type"] as? String {
        case "command_execution":
            tool = "Bash"
            summary = ToolSummary.summary(tool: tool, input: ["command": Self.shellBody(item["command"] as? String ?? "")], cwd: cwd)
        case "file_change":
            tool = "Edit"
            summary = changes(item["changes"])
        case "mcp_tool_call":
            tool = "mcp__\(item["server"] as? String ?? "?")__\(item["tool"] as? String ?? "?")".capped(200)
            summary = ToolSummary.summary(tool: tool, input: item["arguments"], cwd: cwd)
        default:
            tool = "WebSearch"
            summary = ToolSummary.summary(tool: tool, input: ["query": item["query"] as? String ?? ""], cwd: cwd)
        }
        if item["type"] as? String != "web_search" { shown.insert(id) }
        return [.activity(.toolCall(tool: tool, toolUseID: id, summary: summary))]
    }

    /// A finished item's outcome: a command's exit and first line of output, a patch applied
    /// or not, an MCP tool's answer or error.
    private mutating func result(_ item: [String: Any]) -> [AgentStreamEvent] {
        let id = JSONField.id(item["id"])
        shown.remove(id)
        let status = item["status"] as? String ?? "?"
        let ok: Bool, line: String
        switch item["type"] as? String {
        case "command_execution":
            let code = JSONField.isBool(item["exit_code"]) ? nil : item["exit_code"] as? Int
            let output = (item["aggregated_output"] as? String ?? "").firstLine()
            ok = status == "completed" && (code ?? 0) == 0
            if status == "declined" {
                declined += 1
                line = "declined"
            } else if ok {
                line = output.isEmpty ? "(no output)" : output
            } else {
                let why = code.map { "exit code \($0)" } ?? status
                line = output.isEmpty ? why : "\(why): \(output)".capped()
            }
        case "file_change":
            ok = status == "completed"
            line = ok ? "applied" : "not applied (\(status.capped(80)))"
        default:
            let error = (item["error"] as? [String: Any])?["message"] as? String
            ok = status == "completed" && error == nil
            let reply = JSONField.text(ofBlocks: (item["result"] as? [String: Any])?["content"]).firstLine()
            line = error?.firstLine() ?? (reply.isEmpty ? status.capped(80) : reply)
        }
        return [.activity(.toolResult(toolUseID: id, ok: ok, firstLine: line))]
    }

    /// `Edit Sources/App.swift, Add Tests/AppTests.swift`.
    private func changes(_ value: Any?) -> String {
        let verbs = ["add": "Add", "delete": "Delete", "update": "Edit"]
        let list = (value as? [Any] ?? []).prefix(20).compactMap { $0 as? [String: Any] }.map { change in
            let path = ToolSummary.relative(ToolSummary.oneLine(change["path"] as? String ?? "?"), to: cwd)
            return "\(verbs[change["kind"] as? String ?? ""] ?? "Change") \(path)"
        }
        return (list.isEmpty ? "Edit (no files)" : list.joined(separator: ", ")).capped(ToolSummary.limit)
    }

    /// The agent's to-do list, when it changed: `Plan 1/3: Write the tests`.
    private mutating func planShown(_ item: [String: Any]) -> [AgentStreamEvent] {
        let steps = (item["items"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }
        let done = steps.filter { JSONField.flag($0["completed"]) }.count
        let next = steps.first { !JSONField.flag($0["completed"]) }.map { ToolSummary.oneLine($0["text"] as? String ?? "") }
        let summary = "Plan \(done)/\(steps.count)\(next.map { ": " + $0 } ?? "")".capped(ToolSummary.limit)
        guard summary != plan else { return [] }
        plan = summary
        return [.activity(.toolCall(tool: "TodoList", toolUseID: JSONField.id(item["id"]), summary: summary))]
    }

    /// The turn's tokens join the session's; the turn's end is the session's (`codex exec`
    /// runs one turn, then exits).
    private mutating func turnCompleted(_ tokens: [String: Any]) -> [AgentStreamEvent] {
        usage = usage + AgentUsage.cachedWithinInput(input: JSONField.count(tokens["input_tokens"]),
                                                     cached: JSONField.count(tokens["cached_input_tokens"]),
                                                     output: JSONField.count(tokens["output_tokens"]))
        usage.turns += 1
        let ended = SessionResult(subtype: "success", isError: false, turns: usage.turns, durationMs: 0, costUSD: 0,
                                  permissionDenials: declined, firstLine: answer.firstLine())
        return [.usage(usage)] + ended.closingEvents
    }

    private mutating func turnFailed(_ message: String) -> [AgentStreamEvent] {
        usage.turns += 1
        let ended = SessionResult(subtype: "turn.failed", isError: true, turns: usage.turns, durationMs: 0, costUSD: 0,
                                  permissionDenials: declined, firstLine: message.firstLine())
        return ended.closingEvents
    }

    /// An error's `message`, or a word saying there was none.
    private static func message(_ value: Any?) -> String {
        let text = (value as? [String: Any])?["message"] as? String ?? ""
        return text.firstLine().isEmpty ? "(no message)" : text
    }

    /// Codex runs each command through a shell (`bash -lc 'swift test'`): what the shell was
    /// given is the command.
    static func shellBody(_ command: String) -> String {
        let parts = command.split(separator: " ", maxSplits: 2)
        guard parts.count == 3, parts[0].hasSuffix("sh"), parts[1] == "-lc" || parts[1] == "-c" else { return command }
        let body = parts[2]
        if let quote = body.first, quote == "'" || quote == "\"", body.count >= 2, body.last == quote,
           !body.dropFirst().dropLast().contains(quote) {
            return String(body.dropFirst().dropLast())
        }
        return String(body)
    }
}
