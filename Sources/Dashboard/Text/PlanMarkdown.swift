import PlanDocument

/// PLAN.md's sections made readable at a width: headings in bold, list items with bullets,
/// tables aligned by display width, code blocks kept as they are, inline marks simplified
/// (`**bold**` bold, backticks dropped, links as their text). Prose wraps at the width;
/// table rows and code are cut at the pane's edge instead. All text goes through `Glyphs`.
enum PlanMarkdown {
    static func rows(_ sections: [PlanSection], width: Int) -> [StyledRow] {
        var rows: [StyledRow] = []
        for (i, section) in sections.enumerated() {
            if i > 0 { rows.append([]) }
            rows += StyledRows.wrap(inline(section.title, .title), width: width, hang: 0)
            rows.append(StyledRows.of(String(repeating: "═", count: max(1, min(width, StyledRows.width(inline(section.title, .title))))), .border))
            rows += body(section.lines, width: width)
        }
        return rows
    }

    /// The lines under a heading.
    static func body(_ lines: [String], width: Int) -> [StyledRow] {
        // The `---` that separates this section from the next is no part of it.
        var lines = lines[...]
        while let last = lines.last?.trimmingBlanks(), last.isEmpty || (last.count >= 3 && last.allSatisfy { $0 == "-" }) {
            lines = lines.dropLast()
        }
        var rows: [StyledRow] = []
        var fence: (marker: Character, length: Int)?
        var i = lines.startIndex
        while i < lines.endIndex {
            let line = lines[i]
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            i += 1
            if let open = fence {
                if trimmed.prefix { $0 == open.marker }.count >= open.length, trimmed.allSatisfy({ $0 == open.marker || $0 == " " }) {
                    fence = nil
                    rows.append(StyledRows.of(String(trimmed), .dim))
                } else {
                    rows.append(StyledRows.of(StyledRows.expandingTabs(line), .code))
                }
                continue
            }
            if let marker = trimmed.first, marker == "`" || marker == "~", trimmed.prefix(while: { $0 == marker }).count >= 3 {
                fence = (marker, trimmed.prefix { $0 == marker }.count)
                rows.append(StyledRows.of(String(trimmed), .dim))
                continue
            }
            if trimmed.hasPrefix("|") {
                var table = [String(trimmed)]
                while i < lines.endIndex, lines[i].drop(while: { $0 == " " }).hasPrefix("|") {
                    table.append(String(lines[i].drop { $0 == " " }))
                    i += 1
                }
                rows += MarkdownTable.rows(table)
                continue
            }
            if trimmed.isEmpty {
                if rows.last?.isEmpty == false { rows.append([]) }
                continue
            }
            rows += StyledRows.wrap(prose(line, trimmed, width: width), width: width, hang: hang(line, trimmed))
        }
        while rows.last?.isEmpty == true { rows.removeLast() }
        return rows
    }

    /// A line of prose: a heading, a rule, a list item, a quote or a paragraph's line.
    private static func prose(_ line: String, _ trimmed: Substring, width: Int) -> StyledRow {
        let hashes = trimmed.prefix { $0 == "#" }.count
        if (1...6).contains(hashes), trimmed.dropFirst(hashes).first == " " {
            var text = trimmed.dropFirst(hashes).trimmingBlanks()
            while text.hasSuffix("#") { text = String(text.dropLast()) }
            return inline(text.trimmingBlanks(), .title)
        }
        if trimmed.count >= 3, let c = trimmed.first, "-*_".contains(c), trimmed.allSatisfy({ $0 == c || $0 == " " }) {
            return StyledRows.of(String(repeating: "─", count: max(1, min(width, 40))), .border)
        }
        let indent = String(repeating: " ", count: line.count - trimmed.count)
        if let (bullet, rest) = listItem(trimmed) { return StyledRows.of(indent + bullet, .dim) + inline(String(rest), .text) }
        if trimmed.hasPrefix(">") { return StyledRows.of("│ ", .border) + inline(trimmed.dropFirst().trimmingBlanks(), .text) }
        return inline(String(trimmed), .text)
    }

    /// `- [x] text` → (`☑ `, text); `* text` → (`• `, text); `2. text` → (`2. `, text).
    private static func listItem(_ s: Substring) -> (String, Substring)? {
        if let c = s.first, "-*+".contains(c), s.dropFirst().first == " " {
            let rest = s.dropFirst(2)
            if rest.hasPrefix("[ ] ") { return ("☐ ", rest.dropFirst(4)) }
            if rest.hasPrefix("[x] ") || rest.hasPrefix("[X] ") { return ("☑ ", rest.dropFirst(4)) }
            return ("• ", rest)
        }
        let digits = s.prefix { $0.isASCII && $0.isNumber }
        if (1...9).contains(digits.count), let dot = s.dropFirst(digits.count).first, dot == "." || dot == ")",
           s.dropFirst(digits.count + 1).first == " " {
            return (String(s.prefix(digits.count + 2)), s.dropFirst(digits.count + 2))
        }
        return nil
    }

    /// How far a list item's wrapped lines are indented: under its text, past the bullet.
    private static func hang(_ line: String, _ trimmed: Substring) -> Int {
        guard let (bullet, _) = listItem(trimmed) else { return 0 }
        return line.count - trimmed.count + bullet.count
    }

    /// Inline marks simplified: `**x**` and `__x__` bold, `` `x` `` as code without its
    /// backticks, `[text](url)` and `![alt](url)` as their text, `<https://…>` as the address,
    /// `\*` as `*`.
    static func inline(_ text: String, _ role: ThemeRole) -> StyledRow {
        var row: StyledRow = []
        var plain = ""
        var bold = false
        func flush(_ r: ThemeRole? = nil) {
            row += StyledRows.of(plain, r ?? (bold ? .title : role))
            plain = ""
        }
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count, chars[i + 1].isPunctuation || chars[i + 1].isSymbol {
                plain.append(chars[i + 1])
                i += 2
            } else if c == "`", let (code, next) = codeSpan(chars, i) {
                flush()
                plain = code
                flush(.code)
                i = next
            } else if (c == "*" || c == "_"), i + 1 < chars.count, chars[i + 1] == c,
                      bold || closes(chars, from: i + 2, pair: c) {
                flush()
                bold.toggle()
                i += 2
            } else if c == "[" || (c == "!" && i + 1 < chars.count && chars[i + 1] == "["), let (label, next) = link(chars, c == "!" ? i + 1 : i) {
                plain += label
                i = next
            } else if c == "<", let close = chars[i...].firstIndex(of: ">"), String(chars[(i + 1)..<close]).contains("://") {
                plain += String(chars[(i + 1)..<close])
                i = close + 1
            } else {
                plain.append(c)
                i += 1
            }
        }
        flush()
        return row
    }

    /// A code span opened at `start`: its text and the index after its closing backticks.
    private static func codeSpan(_ chars: [Character], _ start: Int) -> (String, Int)? {
        let run = chars[start...].prefix { $0 == "`" }.count
        var j = start + run
        while j < chars.count {
            guard chars[j] == "`" else { j += 1; continue }
            let close = chars[j...].prefix { $0 == "`" }.count
            if close == run {
                var code = String(chars[(start + run)..<j])
                if code.count > 2, code.hasPrefix(" "), code.hasSuffix(" ") { code = String(code.dropFirst().dropLast()) }
                return (code, j + close)
            }
            j += close
        }
        return nil
    }

    private static func closes(_ chars: [Character], from: Int, pair c: Character) -> Bool {
        guard from < chars.count else { return false }
        return (from..<(chars.count - 1)).contains { chars[$0] == c && chars[$0 + 1] == c }
    }

    /// `[label](url)` at `start`: the label and the index after `)`.
    private static func link(_ chars: [Character], _ start: Int) -> (String, Int)? {
        guard let close = chars[start...].firstIndex(of: "]"), close + 1 < chars.count, chars[close + 1] == "(",
              let end = chars[(close + 1)...].firstIndex(of: ")") else { return nil }
        return (String(chars[(start + 1)..<close]), end + 1)
    }
}

fileprivate extension StringProtocol {
    func trimmingBlanks() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
