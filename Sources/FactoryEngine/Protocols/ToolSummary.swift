import Foundation

/// A tool call in one line, for the activity list and for a permission question:
/// `Bash: swift test`, `Edit Sources/App.swift`, `Grep TODO`, else `Tool: {compact json}`.
public enum ToolSummary {
    /// The most characters a summary keeps; the line has to fit a pane next to other columns.
    public static let limit = 120

    /// `cwd` is the agent's working directory: paths inside it are shown relative to it, since
    /// every agent works in its own worktree and the absolute prefix says nothing.
    public static func summary(tool: String, input: Any?, cwd: String? = nil) -> String {
        let fields = input as? [String: Any] ?? [:]
        let string = { (key: String) in (fields[key] as? String).map(oneLine) }
        let path = { (key: String) in string(key).map { relative($0, to: cwd) } }
        let line: String
        switch tool {
        case "Bash":
            // A line break runs a second command: it stays visible, never reads as a space.
            line = "Bash: " + ((fields["command"] as? String).map { oneLine($0.replacingOccurrences(of: "\r\n", with: " ⏎ ").replacingOccurrences(of: "\n", with: " ⏎ ").replacingOccurrences(of: "\r", with: " ⏎ ")) } ?? "")
        case "Edit", "MultiEdit", "Read", "Write", "NotebookEdit":
            line = tool + " " + (path("file_path") ?? path("notebook_path") ?? "")
        case "Grep", "Glob":
            let scope = path("path").map { " in " + $0 } ?? ""
            line = tool + " " + (string("pattern") ?? "") + scope
        default:
            line = tool + ": " + oneLine(CompactJSON.text(input ?? [String: Any]()) ?? "{}")
        }
        return line.trimmingCharacters(in: .whitespaces).capped(limit)
    }

    /// The text on one line: runs of whitespace, newlines included, become one space. Only
    /// the start is read (a summary keeps 120 characters; a Write's input can be megabytes).
    static func oneLine(_ text: String) -> String {
        text.prefix(limit * 4).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    static func relative(_ path: String, to cwd: String?) -> String {
        guard let cwd, !cwd.isEmpty else { return path }
        let base = cwd.hasSuffix("/") ? cwd : cwd + "/"
        return path.hasPrefix(base) && path.count > base.count ? String(path.dropFirst(base.count)) : path
    }
}
