import Foundation

/// A permission request whole, as a person reads it before answering: a command with all
/// its lines, a file and all that goes into it, an edit as a patch, the questions with
/// every choice, the prompt read from a screen as captured, anything else as indented
/// JSON. Nothing is cut — `summary` is the one-line form; this is what `y` allows. Made
/// from the request's input (`inputJSON`), the very input an allowed call runs with, and
/// every field of it is shown: one no part names goes under `other input`. The text is the
/// agent's, kept as it came: the dashboard and the CLI make it inert where they show it.
public struct RequestText: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The request's own text: a command, a path, a file's content, a question, JSON.
        case body
        /// What an edit takes out, and what it puts in.
        case removed, added
        /// A choice a question offers, with its number.
        case choice
    }

    public struct Line: Sendable, Equatable {
        public var kind: Kind
        public var text: String
    }

    /// One part of the request under its name (`command`, `file`, `edit 2 of 3`), named in
    /// factory's words.
    public struct Part: Sendable, Equatable {
        public var label: String
        public var lines: [Line]
    }

    public var parts: [Part]

    public init(_ request: PermissionRequest) {
        let input = (try? JSONSerialization.jsonObject(with: Data(request.inputJSON.utf8))) as? [String: Any]
        var reader = InputReader(input ?? [:])
        if input == nil {
            // Not an object (never so from the stream): the text as it is.
            parts = [Part(label: "input", lines: Self.lines(request.inputJSON, .body))]
        } else {
            parts = Self.parts(tool: request.tool, &reader)
            if let rest = reader.rest { parts.append(Part(label: reader.named ? "other input" : "input", lines: Self.lines(rest, .body))) }
        }
        // An input with nothing in it (a screen's request kept by an older factory): its line.
        if parts.isEmpty { parts = [Part(label: "summary (the request carries nothing more)", lines: Self.lines(request.summary, .body))] }
        // The agent's own sentence about the call: its words, not factory's.
        let said = request.description.trimmingCharacters(in: .whitespacesAndNewlines)
        if !said.isEmpty, request.tool != SessionScreen.tool, said != reader.description {
            parts.append(Part(label: "the agent says", lines: Self.lines(said, .body)))
        }
    }

    /// The parts a tool's input is read into; what they show is taken from `reader`.
    private static func parts(tool: String, _ reader: inout InputReader) -> [Part] {
        switch tool {
        case "Bash":
            guard let command = reader.take("command") else { return [] }
            var parts = [Part(label: "command", lines: lines(command, .body))]
            if let said = reader.take("description") {
                reader.description = said.trimmingCharacters(in: .whitespacesAndNewlines)
                parts.append(Part(label: "the agent says", lines: lines(said, .body)))
            }
            return parts
        case "Write":
            guard let (path, content) = reader.take("file_path", "content") else { return [] }
            let count = lines(content, .body)
            return [Part(label: "file", lines: [Line(kind: .body, text: path)]),
                    Part(label: "content (\(count.count) line\(count.count == 1 ? "" : "s"))", lines: count)]
        case "Edit":
            guard let (path, edit) = reader.edit() else { return [] }
            return [Part(label: "file", lines: [Line(kind: .body, text: path)]), edit]
        case "MultiEdit":
            guard let (path, edits) = reader.edits() else { return [] }
            return [Part(label: "file", lines: [Line(kind: .body, text: path)])]
                + edits.enumerated().map { Part(label: "edit \($0.offset + 1) of \(edits.count): " + $0.element.label, lines: $0.element.lines) }
        case "AskUserQuestion":
            return reader.questions() ?? []
        case SessionScreen.tool:
            guard let prompt = reader.take("prompt") else { return [] }
            return [Part(label: "on its screen", lines: lines(prompt, .body))]
        default:
            return []
        }
    }

    /// `text`'s lines, split at LF only: a CR stays in its line, where it shows as `^M`
    /// (every line break of a command is a line here, so a second command is never hidden).
    static func lines(_ text: String, _ kind: Kind) -> [Line] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { Line(kind: kind, text: String($0)) }
    }

    /// JSON laid out on lines, indented by two, keys sorted; nil for what JSON cannot hold.
    static func pretty(_ value: Any) -> String? {
        guard JSONSerialization.isValidJSONObject(value),
              let data = try? JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The request as text on lines — each part's name and a colon, then its lines indented
    /// by two, an edit's lines after `- ` and `+ ` — for `factory status`, its JSON
    /// (`request.text`) and the events' log. Raw: whoever prints it makes it inert.
    public var plain: String {
        parts.map { part in
            ([part.label + ":"] + part.lines.map { line in
                switch line.kind {
                case .body, .choice: return "  " + line.text
                case .removed: return "  - " + line.text
                case .added: return "  + " + line.text
                }
            }).joined(separator: "\n")
        }.joined(separator: "\n")
    }
}

/// A tool's input read field by field: what a part shows is taken out, so whatever is left
/// is shown too (`rest`), and nothing the call carries goes unseen.
private struct InputReader {
    var fields: [String: Any]
    /// Some part named a field (so what is left is `other input`, not all of it).
    var named = false
    /// The input's `description`, shown already (the request's own is then not repeated).
    var description: String?

    init(_ fields: [String: Any]) { self.fields = fields }

    /// The field's text, taken; nil (and nothing taken) when it is not text.
    mutating func take(_ key: String) -> String? {
        guard let value = fields[key] as? String else { return nil }
        fields[key] = nil
        named = true
        return value
    }

    /// Both fields' text, taken; nil (and nothing taken) unless both are text.
    mutating func take(_ first: String, _ second: String) -> (String, String)? {
        guard fields[first] is String, fields[second] is String, let a = take(first), let b = take(second) else { return nil }
        return (a, b)
    }

    /// What is left, as indented JSON; nil when nothing is.
    var rest: String? {
        guard !fields.isEmpty else { return nil }
        return RequestText.pretty(fields) ?? String(describing: fields)
    }

    /// Edit's file and its one change as a patch; nil (and nothing taken) unless both read so.
    mutating func edit() -> (path: String, edit: RequestText.Part)? {
        guard fields["file_path"] is String, let edit = Self.patch(&fields), let path = take("file_path") else { return nil }
        return (path, edit)
    }

    /// MultiEdit's file and `edits`, each a patch; nil (and nothing taken) unless every one
    /// reads as one, with nothing else in it (then JSON shows them all).
    mutating func edits() -> (path: String, edits: [RequestText.Part])? {
        guard fields["file_path"] is String, let list = fields["edits"] as? [Any] else { return nil }
        var edits: [RequestText.Part] = []
        for item in list {
            guard var object = item as? [String: Any], let edit = Self.patch(&object), object.isEmpty else { return nil }
            edits.append(edit)
        }
        fields["edits"] = nil
        return take("file_path").map { ($0, edits) }
    }

    /// `old_string` and `new_string` (and `replace_all`) as a patch, taken from `object`;
    /// nil (and nothing taken) unless they read so.
    static func patch(_ object: inout [String: Any]) -> RequestText.Part? {
        guard let old = object["old_string"] as? String, let new = object["new_string"] as? String else { return nil }
        let all = object["replace_all"] as? Bool
        if object["replace_all"] != nil, all == nil { return nil }
        object["old_string"] = nil
        object["new_string"] = nil
        object["replace_all"] = nil
        return RequestText.Part(label: all == true ? "replace every occurrence" : "replace",
                                lines: RequestText.lines(old, .removed) + RequestText.lines(new, .added))
    }

    /// AskUserQuestion's questions, each with its header, whether several choices may be
    /// picked, and every choice numbered as the answer names it; nil unless all read so.
    mutating func questions() -> [RequestText.Part]? {
        guard let list = fields["questions"] as? [Any], !list.isEmpty else { return nil }
        var parts: [RequestText.Part] = []
        for (i, item) in list.enumerated() {
            guard var q = item as? [String: Any], let question = q.removeValue(forKey: "question") as? String else { return nil }
            var header = "", several = ""
            if let text = q["header"] as? String {
                header = text.isEmpty ? "" : " · " + text
                q["header"] = nil
            }
            if let flag = q["multiSelect"] as? Bool {
                several = flag ? " · several may be picked" : ""
                q["multiSelect"] = nil
            }
            var lines = RequestText.lines(question, .body)
            let options = q["options"] as? [Any] ?? []
            if q["options"] is [Any] { q["options"] = nil }
            for (n, option) in options.enumerated() {
                guard var option = option as? [String: Any], let label = option.removeValue(forKey: "label") as? String else { return nil }
                var about = ""
                if let text = option["description"] as? String { about = text.isEmpty ? "" : " — " + text; option["description"] = nil }
                lines += RequestText.lines("\(n + 1). \(label)\(about)", .choice)
                if !option.isEmpty, let more = RequestText.pretty(option) { lines += RequestText.lines(more, .body) }
            }
            if !q.isEmpty, let more = RequestText.pretty(q) { lines += RequestText.lines(more, .body) }
            parts.append(RequestText.Part(label: "question \(i + 1) of \(list.count)\(header)\(several)", lines: lines))
        }
        fields["questions"] = nil
        named = true
        return parts
    }
}
