import Foundation
import Yams

/// A rule file that cannot be used, in one line that says where and why
/// (`screens/claude.yaml:14: unknown state 'wating' (one of working, waiting_input, idle)`).
public struct ScreenRulesError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension ScreenRules {
    /// Parses a rule file's text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(ScreenRulesError) -> ScreenRules {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch { throw ScreenRulesError("\(file):\(yamlProblem(error))") }
        return try ScreenRulesParser(file: file).rules(root)
    }

    /// "LINE: problem" from a Yams error, on one line.
    private static func yamlProblem(_ error: Error) -> String {
        switch error {
        case YamlError.scanner(let context, let problem, let mark, _),
             YamlError.parser(let context, let problem, let mark, _),
             YamlError.composer(let context, let problem, let mark, _):
            return "\(mark.line): not valid YAML: \(problem)" + (context.map { " (\($0.text))" } ?? "")
        case YamlError.duplicatedKeysInMapping(let duplicates, let context):
            return "\(context.mark.line): '\(duplicates.sorted().joined(separator: "', '"))' written twice"
        default:
            return " not valid YAML: " + (String(describing: error).split(separator: "\n").first.map(String.init) ?? "")
        }
    }
}

/// YAML nodes → rules, each complaint naming the line it is about.
private struct ScreenRulesParser {
    let file: String

    func fail(_ node: Node?, _ problem: String) -> ScreenRulesError {
        ScreenRulesError("\(file):\(node?.mark?.line ?? 1): \(problem)")
    }

    func rules(_ root: Node?) throws(ScreenRulesError) -> ScreenRules {
        let top = try fields(root, "the file", allowed: ["cli", "tested", "untested", "stale_after_ms", "rules"])
        let cli = try string(top["cli"], "cli", in: root)
        let tested = top["tested"], untested = top["untested"]
        guard (tested == nil) != (untested == nil) else {
            throw fail(tested ?? untested ?? root, "say what the rules were checked against in 'tested:', or why they could not be in 'untested:' (one of the two)")
        }
        let provenance = try string(tested ?? untested, tested == nil ? "untested" : "tested", in: root)
        let stale = try milliseconds(top["stale_after_ms"], "stale_after_ms") ?? ScreenRules.defaultStaleAfter
        guard stale > 0 else { throw fail(top["stale_after_ms"], "stale_after_ms must be more than 0") }
        guard let list = top["rules"], let items = list.sequence, !items.isEmpty else {
            throw fail(top["rules"] ?? root, "'rules:' must be a list of at least one rule")
        }
        var parsed: [ScreenRule] = []
        for item in items {
            let rule = try self.rule(item)
            if parsed.contains(where: { $0.name == rule.name }) { throw fail(item, "two rules are named '\(rule.name)'") }
            parsed.append(rule)
        }
        // A stable sort: file order decides among equal priorities.
        let ordered = parsed.enumerated().sorted { ($0.element.priority, -$0.offset) > ($1.element.priority, -$1.offset) }.map(\.element)
        return ScreenRules(cli: cli, tested: tested != nil, provenance: provenance, staleAfter: stale, rules: ordered)
    }

    func rule(_ node: Node) throws(ScreenRulesError) -> ScreenRule {
        let f = try fields(node, "a rule", allowed: ["name", "state", "priority", "region", "all", "any", "hold_ms", "changed_within_ms", "keys", "prompt"])
        let name = try string(f["name"], "name", in: node)
        let stateText = try string(f["state"], "state", in: node)
        guard let state = ScreenState(rawValue: stateText), state != .unknown else {
            throw fail(f["state"], "unknown state '\(stateText)' (one of working, waiting_input, idle)")
        }
        let priority = try integer(f["priority"], "priority") ?? 0
        let region = try f["region"].map { (r) throws(ScreenRulesError) in try self.region(r) } ?? .screen
        let all = try patterns(f["all"], "all"), any = try patterns(f["any"], "any")
        guard !all.isEmpty || !any.isEmpty else { throw fail(node, "rule '\(name)' has no patterns: give 'all:' or 'any:'") }
        let hold = try milliseconds(f["hold_ms"], "hold_ms") ?? 0
        guard hold >= 0 else { throw fail(f["hold_ms"], "hold_ms cannot be negative") }
        let changedWithin = try milliseconds(f["changed_within_ms"], "changed_within_ms")
        if let changedWithin, changedWithin <= 0 { throw fail(f["changed_within_ms"], "changed_within_ms must be more than 0") }
        let keys = try f["keys"].map { (k) throws(ScreenRulesError) in try self.keys(k) }
        if keys != nil && state != .waitingInput { throw fail(f["keys"], "only a waiting_input rule has answer keys") }
        let prompt = try f["prompt"].map { (p) throws(ScreenRulesError) in try self.prompt(p, default: region) }
        return ScreenRule(name: name, state: state, priority: priority, region: region, all: all, any: any,
                          hold: hold, changedWithin: changedWithin, keys: keys, prompt: prompt)
    }

    /// `screen`, `top N`, `bottom N` (N at least 1) or `cursor N` (N at least 0).
    func region(_ node: Node) throws(ScreenRulesError) -> ScreenRegion {
        let text = node.scalar?.string ?? ""
        let words = text.split(separator: " ")
        if words == ["screen"] { return .screen }
        if words.count == 2, let n = Int(words[1]) {
            switch words[0] {
            case "top" where n >= 1: return .top(n)
            case "bottom" where n >= 1: return .bottom(n)
            case "cursor" where n >= 0: return .cursor(n)
            default: break
            }
        }
        throw fail(node, "bad region '\(text)': write screen, top N, bottom N (N lines, at least 1) or cursor N (N lines either side)")
    }

    /// A list of `{text: …}` (found as written) or `{regex: …}`.
    func patterns(_ node: Node?, _ key: String) throws(ScreenRulesError) -> [ScreenPattern] {
        guard let node else { return [] }
        guard let items = node.sequence else { throw fail(node, "'\(key):' must be a list of patterns") }
        var out: [ScreenPattern] = []
        for item in items { out.append(try pattern(item)) }
        return out
    }

    func pattern(_ node: Node) throws(ScreenRulesError) -> ScreenPattern {
        let f = try fields(node, "a pattern ({text: …} or {regex: …})", allowed: ["text", "regex"])
        guard f.count == 1, let (kind, value) = f.first else { throw fail(node, "a pattern is {text: …} or {regex: …}, one of the two") }
        return try compile(value, literal: kind == "text")
    }

    func compile(_ node: Node, literal: Bool) throws(ScreenRulesError) -> ScreenPattern {
        guard let written = node.scalar?.string, !written.isEmpty else { throw fail(node, "a pattern cannot be empty") }
        let options: NSRegularExpression.Options = literal ? [.ignoreMetacharacters] : [.anchorsMatchLines]
        guard let regex = try? NSRegularExpression(pattern: written, options: options) else {
            throw fail(node, "bad regex '\(written)': not a valid regular expression (ICU syntax)")
        }
        return ScreenPattern(written: written, regex: regex)
    }

    func keys(_ node: Node) throws(ScreenRulesError) -> AnswerKeys {
        let f = try fields(node, "keys", allowed: ["allow", "deny", "after_ms"])
        let allow = try keyNames(f["allow"], "allow"), deny = try keyNames(f["deny"], "deny")
        guard !allow.isEmpty || !deny.isEmpty else { throw fail(node, "keys: give 'allow:' or 'deny:' (tmux key names)") }
        let after = try milliseconds(f["after_ms"], "after_ms") ?? 0
        guard after >= 0 else { throw fail(f["after_ms"], "after_ms cannot be negative") }
        return AnswerKeys(allow: allow, deny: deny, after: after)
    }

    func keyNames(_ node: Node?, _ key: String) throws(ScreenRulesError) -> [String] {
        guard let node else { return [] }
        let names = node.sequence?.compactMap { $0.scalar?.string } ?? []
        guard names.count == node.sequence?.count, !names.contains(where: \.isEmpty) else {
            throw fail(node, "'\(key):' must be a list of tmux key names, like [\"1\", Enter] or [Escape]")
        }
        return names
    }

    /// A regex whose first capture group is the text, or `{regex: …, region: …}`.
    func prompt(_ node: Node, default region: ScreenRegion) throws(ScreenRulesError) -> PromptText {
        var regexNode = node, at = region
        if node.mapping != nil {
            let f = try fields(node, "prompt", allowed: ["regex", "region"])
            guard let r = f["regex"] else { throw fail(node, "prompt: give 'regex:' (its first group is the text)") }
            regexNode = r
            if let given = f["region"] { at = try self.region(given) }
        }
        let pattern = try compile(regexNode, literal: false)
        guard pattern.regex.numberOfCaptureGroups >= 1 else {
            throw fail(regexNode, "prompt regex '\(pattern.written)' needs a capture group: ( ) around the text to show")
        }
        return PromptText(pattern: pattern, region: at)
    }

    // MARK: - Scalars and mappings

    /// A mapping's fields by key; a key not in `allowed` is a mistake worth a line number.
    func fields(_ node: Node?, _ what: String, allowed: Set<String>) throws(ScreenRulesError) -> [String: Node] {
        guard let mapping = node?.mapping else { throw fail(node, "\(what) must be a mapping of key: value") }
        var out: [String: Node] = [:]
        for (key, value) in mapping {
            let name = key.scalar?.string ?? ""
            guard allowed.contains(name) else {
                throw fail(key, "unknown key '\(name)' in \(what) (known: \(allowed.sorted().joined(separator: ", ")))")
            }
            out[name] = value
        }
        return out
    }

    func string(_ node: Node?, _ key: String, in parent: Node?) throws(ScreenRulesError) -> String {
        guard let node else { throw fail(parent, "'\(key):' is missing") }
        guard let text = node.scalar?.string, !text.isEmpty else { throw fail(node, "'\(key):' must be text") }
        return text
    }

    func integer(_ node: Node?, _ key: String) throws(ScreenRulesError) -> Int? {
        guard let node else { return nil }
        guard let value = node.int else { throw fail(node, "'\(key):' must be a whole number") }
        return value
    }

    /// Seconds from a whole number of milliseconds.
    func milliseconds(_ node: Node?, _ key: String) throws(ScreenRulesError) -> Double? {
        try integer(node, key).map { Double($0) / 1000 }
    }
}
