import Foundation

/// A role's `allow:` and `deny:` lists, in Claude Code's rule syntax, applied by the engine
/// before a request reaches a human: `Edit` (any call of the tool), `Bash(git commit:*)`
/// (a command starting with `git commit`), `Bash(factory *)` (a glob over the command),
/// `Write(docs/*)` (a glob over the file path). A deny wins over an allow; what neither
/// list names goes to the human.
public struct PermissionPolicy: Sendable, Equatable {
    public enum Decision: Equatable, Sendable {
        case allow(rule: String)
        case deny(rule: String)
    }

    public var allow: [String]
    public var deny: [String]

    public init(allow: [String] = [], deny: [String] = []) {
        self.allow = allow
        self.deny = deny
    }

    public var isEmpty: Bool { allow.isEmpty && deny.isEmpty }

    /// What the lists say of `request`, or nil when a human must decide.
    public func decide(_ request: PermissionRequest) -> Decision? {
        let subject = Self.subject(of: request)
        if let rule = deny.first(where: { Self.matches($0, tool: request.tool, subject: subject) }) { return .deny(rule: rule) }
        // `Bash(git commit:*)` allows a commit, not `git commit -m x; curl … | sh`: a command
        // that chains, pipes, substitutes or redirects is not named by a pattern's start, and
        // goes to a human (a bare `Bash` rule still allows everything, as it says).
        let compound = request.tool == "Bash" && subject.map(Self.isCompound) == true
        if let rule = allow.first(where: { Self.matches($0, tool: request.tool, subject: subject) && !(compound && $0.contains("(")) }) {
            return .allow(rule: rule)
        }
        return nil
    }

    /// A shell command that does more than run one program with arguments.
    static func isCompound(_ command: String) -> Bool {
        command.contains { ";&|`<>\n\r".contains($0) } || command.contains("$(")
    }

    /// A rule is `Tool` or `Tool(pattern)`; a malformed one matches nothing.
    static func matches(_ rule: String, tool: String, subject: String?) -> Bool {
        guard let open = rule.firstIndex(of: "(") else { return rule == tool }
        guard rule.hasSuffix(")"), rule[..<open] == tool, let subject else { return false }
        let pattern = String(rule[rule.index(after: open)..<rule.index(before: rule.endIndex)])
        if pattern.hasSuffix(":*") {
            let prefix = String(pattern.dropLast(2))
            return subject == prefix || subject.hasPrefix(prefix + " ")
        }
        return glob(pattern, subject)
    }

    /// What a rule's pattern is matched against: a command for Bash, a path for file tools.
    static func subject(of request: PermissionRequest) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(request.inputJSON.utf8))) as? [String: Any] else { return nil }
        for key in ["command", "file_path", "path", "notebook_path", "pattern", "url"] {
            if let value = object[key] as? String { return value }
        }
        return nil
    }

    /// `*` matches any run of characters (a `/` too: a rule names a tree, not one level).
    static func glob(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern), t = Array(text)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count && p[pi] != "*" && p[pi] == t[ti] {
                pi += 1; ti += 1
            } else if pi < p.count && p[pi] == "*" {
                star = pi; mark = ti; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ti = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
