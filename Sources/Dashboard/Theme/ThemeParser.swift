/// Reads the theme file format, one theme per file, btop-like:
///
///     # comment (only at the start of a line)
///     name = Gruvbox
///     phase_current = #e5c07b on default bold
///
/// Values are `[fg] [on bg] [bold] [dim] [reverse] [underline] [italic]`; both colours are
/// optional, so `selection = reverse` is a whole entry. Unknown and repeated roles are errors:
/// a typo would otherwise silently fall back and the user would never learn why.
struct ThemeParser {
    /// Names the file in messages, as the user would find it.
    let file: String

    struct Parsed {
        var name: String?
        var styles: [ThemeRole: ThemeStyle] = [:]
        /// Where each role was set, to point at the first when one repeats.
        var lines: [ThemeRole: Int] = [:]
    }

    func parse(_ text: String) throws(ThemeError) -> Parsed {
        var parsed = Parsed()
        // LF, CRLF ("\r\n" is one Character) and a lone CR end lines, as in PLAN.md.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        for (offset, rawLine) in lines.enumerated() {
            // A byte-order mark from an editor is not the user's content.
            let line = rawLine.trimmingPrefix("\u{FEFF}").trimmed
            if line.isEmpty || line.hasPrefix("#") { continue }
            do {
                try entry(line, number: offset + 1, into: &parsed)
            } catch {
                throw ThemeError.at(file, line: offset + 1, error.problem)
            }
        }
        return parsed
    }

    private func entry(_ line: Substring, number: Int, into parsed: inout Parsed) throws(LineProblem) {
        guard let equals = line.firstIndex(of: "=") else {
            throw LineProblem("expected 'role = colour [on colour] [attributes]', got '\(line)'")
        }
        let key = line[..<equals].trimmed
        let value = line[line.index(after: equals)...].trimmed
        if key == "name" {
            guard parsed.name == nil else { throw LineProblem("'name' is set twice") }
            guard !value.isEmpty else { throw LineProblem("'name' needs a value") }
            parsed.name = String(value)
            return
        }
        let role = try Self.role(named: key)
        if let first = parsed.lines[role] {
            throw LineProblem("duplicate role '\(key)' (first set on line \(first))")
        }
        parsed.styles[role] = try Self.style(from: value)
        parsed.lines[role] = number
    }

    static func role(named key: Substring) throws(LineProblem) -> ThemeRole {
        if let role = ThemeRole(rawValue: String(key)) { return role }
        guard !key.isEmpty else { throw LineProblem("missing role name before '='") }
        var problem = "unknown role '\(key)'"
        if let near = nearestRole(to: String(key)) { problem += " (did you mean '\(near.rawValue)'?)" }
        throw LineProblem(problem)
    }

    /// `[fg] [on bg] attributes…`
    static func style(from value: Substring) throws(LineProblem) -> ThemeStyle {
        var words = value.split(whereSeparator: \.isWhitespace)[...]
        var style = ThemeStyle()
        if let first = words.first, first.lowercased() != "on", ThemeStyle.attribute(named: first.lowercased()) == nil {
            style.fg = try color(first)
            words.removeFirst()
        }
        if words.first?.lowercased() == "on" {
            words.removeFirst()
            guard let bg = words.popFirst() else { throw LineProblem("'on' needs a background colour") }
            style.bg = try color(bg)
        }
        for word in words {
            style[keyPath: try attribute(word)] = true
        }
        return style
    }

    private static func color(_ word: Substring) throws(LineProblem) -> ThemeColor {
        if let color = ThemeColor(parsing: word) { return color }
        // A misspelt attribute in the colour's place reads better named as either.
        let either = word.first?.isLetter == true ? " or an attribute" : ""
        throw LineProblem("'\(word)' is not a colour\(either)")
    }

    private static func attribute(_ word: Substring) throws(LineProblem) -> WritableKeyPath<ThemeStyle, Bool> {
        if let flag = ThemeStyle.attribute(named: word.lowercased()) { return flag }
        if word.lowercased() == "on" {
            throw LineProblem("'on' must come right after the foreground colour")
        }
        if word.hasPrefix("#"), ThemeColor(parsing: word) == nil {
            throw LineProblem("'\(word)' is not a colour or an attribute; a comment must start its own line")
        }
        if ThemeColor(parsing: word) != nil {
            throw LineProblem("colour '\(word)' after the attributes; write 'fg [on bg] attributes'")
        }
        let known = ThemeStyle.attributeNames.joined(separator: ", ")
        throw LineProblem("unknown attribute '\(word)' (expected \(known))")
    }

    /// The role a typo most likely meant: within two edits, closest first.
    static func nearestRole(to key: String) -> ThemeRole? {
        let scored = ThemeRole.allCases.map { ($0, editDistance(key, $0.rawValue)) }
        return scored.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }?.0
    }

    /// Levenshtein distance, one row at a time.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let b = Array(b)
        var row = Array(0...b.count)
        for (i, charA) in a.enumerated() {
            var diagonal = row[0]
            row[0] = i + 1
            for (j, charB) in b.enumerated() {
                let substitution = diagonal + (charA == charB ? 0 : 1)
                diagonal = row[j + 1]
                row[j + 1] = min(substitution, row[j + 1] + 1, row[j] + 1)
            }
        }
        return row[b.count]
    }
}

extension ThemeParser {
    /// What is wrong with one line; the parser adds the file and line number.
    struct LineProblem: Error {
        let problem: String
        init(_ problem: String) { self.problem = problem }
    }
}

extension Substring {
    /// Without surrounding spaces and tabs.
    fileprivate var trimmed: Substring {
        let isText: (Character) -> Bool = { $0 != " " && $0 != "\t" }
        guard let start = firstIndex(where: isText), let end = lastIndex(where: isText) else { return self[endIndex...] }
        return self[start...end]
    }
}
