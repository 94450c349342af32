import Foundation

/// A rule that lets a tool run without asking again: a tool name and, optionally, the
/// pattern its calls must match (`Bash` + `swift test *`).
public struct PermissionRule: Codable, Sendable, Equatable {
    public var tool: String
    public var pattern: String?

    public init(tool: String, pattern: String? = nil) {
        self.tool = tool
        self.pattern = pattern
    }
}

/// An agent asking whether it may run a tool. The agent waits until factory answers with
/// one of `ClaudeControl`'s lines carrying the same `requestID`.
public struct PermissionRequest: Codable, Sendable, Equatable {
    public var requestID: String
    public var tool: String
    /// The call's input as compact JSON. Not capped: allowing the call sends it back as the
    /// input to run, and a cut one would run something else (the stream's line cap bounds it).
    public var inputJSON: String
    /// The call in one line, as `ToolSummary` writes it.
    public var summary: String
    public var toolUseID: String
    /// Rules the agent suggests for "always allow", from its `addRules` suggestions.
    public var suggestions: [PermissionRule]
    /// The suggestions exactly as sent (JSON), for the kinds `suggestions` does not model.
    public var suggestionsJSON: String
    /// The agent's own sentence about the call, if it sent one.
    public var description: String
    public var receivedAt: Date
    /// When the agent asks the human something (Claude Code's `AskUserQuestion`): the
    /// questions, each answered by typing (a choice's number, or any text). Nil for a
    /// permission to run a tool (and in a state.json from before questions were read).
    public var questions: [AgentQuestion]?

    public var isQuestion: Bool { !(questions ?? []).isEmpty }
    /// A prompt read from an agent's terminal screen, answered with its keys.
    public var isOnScreen: Bool { tool == SessionScreen.tool }

    public init(requestID: String, tool: String, inputJSON: String, summary: String, toolUseID: String,
                suggestions: [PermissionRule] = [], suggestionsJSON: String = "[]", description: String = "", receivedAt: Date) {
        self.requestID = requestID
        self.tool = tool
        self.inputJSON = inputJSON
        self.summary = summary
        self.toolUseID = toolUseID
        self.suggestions = suggestions
        self.suggestionsJSON = suggestionsJSON
        self.description = description
        self.receivedAt = receivedAt
    }

    /// The `addRules` rules among Claude Code's `permission_suggestions`.
    static func rules(in suggestions: Any?) -> [PermissionRule] {
        guard let list = suggestions as? [Any] else { return [] }
        return list.compactMap { $0 as? [String: Any] }
            .filter { $0["type"] as? String == "addRules" }
            .flatMap { ($0["rules"] as? [Any] ?? []).compactMap { $0 as? [String: Any] } }
            .compactMap { rule in
                guard let tool = rule["toolName"] as? String else { return nil }
                return PermissionRule(tool: tool.capped(), pattern: (rule["ruleContent"] as? String)?.capped())
            }
    }
}

/// One question an agent asks, with the choices it offers (the human may also answer in
/// their own words).
public struct AgentQuestion: Codable, Sendable, Equatable {
    public struct Choice: Codable, Sendable, Equatable {
        public var label: String
        public var description: String
    }
    public var question: String
    /// A short title for it (`Database`).
    public var header: String
    public var choices: [Choice]
    /// More than one choice may be picked (`1,3`).
    public var multiSelect: Bool

    /// `AskUserQuestion`'s input (`{"questions": [{question, header, options, multiSelect}]}`);
    /// empty when it has none it can read. Nothing is cut: the answers go back keyed by each
    /// question's text and name a choice by its label, and the human reads them all (the
    /// stream's line cap bounds them).
    static func list(in input: [String: Any]) -> [AgentQuestion] {
        (input["questions"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }.compactMap { q in
            guard let question = q["question"] as? String else { return nil }
            let choices = (q["options"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }.compactMap { o in
                (o["label"] as? String).map { Choice(label: $0, description: o["description"] as? String ?? "") }
            }
            return AgentQuestion(question: question, header: q["header"] as? String ?? "",
                                 choices: choices, multiSelect: q["multiSelect"] as? Bool ?? false)
        }
    }

    /// What the human typed, as the agent reads it: a choice's number picks its label
    /// (`1,3` picks two where many may be picked); words are the answer as typed. Numbers
    /// that name no choice, or several where one is asked, are a mistake, not an answer.
    public func answer(_ typed: String) throws(AnswerError) -> String {
        let text = typed.trimmingCharacters(in: .whitespaces)
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let numbers = parts.compactMap { Int($0) }
        guard !parts.isEmpty, numbers.count == parts.count, !choices.isEmpty else { return text }
        if let wrong = numbers.first(where: { !(1...choices.count).contains($0) }) {
            throw AnswerError("\(wrong) is not a choice of \"\(question)\" (1–\(choices.count)); type words to answer otherwise")
        }
        guard multiSelect || numbers.count == 1 else { throw AnswerError("\"\(question)\" takes one choice") }
        return numbers.map { choices[$0 - 1].label }.joined(separator: ", ")
    }

    public struct AnswerError: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    /// `question: Which database?`, in the place of a tool call's summary.
    var summary: String { ("question: " + ToolSummary.oneLine(question)).capped(ToolSummary.limit) }

    /// `Which database? 1 Postgres · 2 SQLite`.
    public var line: String {
        let numbered = choices.enumerated().map { "\($0.offset + 1) \($0.element.label)" }.joined(separator: " · ")
        return numbered.isEmpty ? question : "\(question) \(numbered)"
    }
}

extension PermissionRule {
    /// The rule as a role file's `allow:` list writes it: `Tool` or `Tool(pattern)`.
    public var text: String { pattern.map { "\(tool)(\($0))" } ?? tool }
}

extension PermissionRequest {
    /// What "always allow this" allows: the rule the agent suggested, else the tool and a
    /// pattern for calls like this one — a command's program and subcommand (`Bash(swift
    /// test:*)`), a file's folder (`Edit(/repo/Sources/*)`) — else the tool alone. Nil for a
    /// command no pattern can name without allowing more (`a; b`, `$(…)`, a glob): that call
    /// is allowed once, and asks again next time.
    public var alwaysRule: PermissionRule? {
        if let suggested = suggestions.first { return suggested }
        let input = (try? JSONSerialization.jsonObject(with: Data(inputJSON.utf8))) as? [String: Any] ?? [:]
        if tool == "Bash" {
            guard let command = input["command"] as? String, let prefix = Self.commandPrefix(command) else { return nil }
            return PermissionRule(tool: tool, pattern: prefix + ":*")
        }
        if let path = (input["file_path"] ?? input["notebook_path"]) as? String, path.hasPrefix("/"),
           let slash = path.lastIndex(of: "/"), slash > path.startIndex {
            return PermissionRule(tool: tool, pattern: String(path[..<slash]) + "/*")
        }
        return PermissionRule(tool: tool)
    }

    /// What answering can do with this request, for a person told before answering.
    public enum Answering: Equatable, Sendable {
        /// A question: answered by typing, or declined.
        case question
        /// A prompt on a screen: allow and deny press its keys; always is not kept.
        case onScreen
        /// Allowed once, or always: then `rule` joins the role's allow list.
        case always(rule: PermissionRule)
        /// Allowed once, or denied: no rule names only calls like it, so always allows it once too.
        case onceOnly
    }

    public var answering: Answering {
        if isQuestion { return .question }
        if isOnScreen { return .onScreen }
        return alwaysRule.map { .always(rule: $0) } ?? .onceOnly
    }

    /// `git commit -m "x"` → `git commit`; `make` → `make`; nil for what a prefix cannot name
    /// safely (a command that chains, pipes or substitutes: allowing its start would allow
    /// whatever follows it).
    static func commandPrefix(_ command: String) -> String? {
        let words = command.split(whereSeparator: \.isWhitespace)
        guard let program = words.first, !command.contains(where: { ";&|`$<>(){}*?[]\n\r\\".contains($0) }) else { return nil }
        let plain = { (word: Substring) in word.allSatisfy { $0.isLetter || $0.isNumber || "-_./".contains($0) } && !word.hasPrefix("-") }
        guard plain(program) else { return nil }
        // A subcommand is a word (`commit`, `test`, `run`), not an argument (`file.txt`, `42`).
        let subcommand = { (word: Substring) in word.first?.isLetter == true && word.allSatisfy { $0.isLetter || $0.isNumber || "-_".contains($0) } }
        if words.count > 1, subcommand(words[1]) { return "\(program) \(words[1])" }
        return String(program)
    }
}
