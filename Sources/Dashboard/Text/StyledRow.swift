import TextWidth

/// One glyph with the role it is drawn in: the rows of the plan and diff views mix roles on
/// a line (bold words, a count in green).
struct StyledGlyph: Equatable, Sendable {
    var glyph: Glyph
    var role: ThemeRole
}

/// A row of a full view, ready to draw.
typealias StyledRow = [StyledGlyph]

enum StyledRows {
    /// Untrusted text in one role; its escapes (`^[`) in the escape role.
    static func of(_ text: String, _ role: ThemeRole) -> StyledRow {
        Glyphs.of(text).map { StyledGlyph(glyph: $0, role: $0.isEscape ? .escape : role) }
    }

    static func width(_ row: StyledRow) -> Int { row.reduce(0) { $0 + $1.glyph.width } }

    /// Tabs as blanks to the next stop of 4 columns, counted from after the first `after`
    /// characters (a diff line's `+`, `-` or blank), so indented code keeps its shape.
    static func expandingTabs(_ text: String, after prefix: Int = 0) -> String {
        guard text.contains("\t") else { return text }
        var out = String(text.prefix(prefix))
        var column = 0
        for c in text.dropFirst(prefix) {
            if c == "\t" {
                let blanks = 4 - column % 4
                out += String(repeating: " ", count: blanks)
                column += blanks
            } else {
                out.append(c)
                column += TextWidth.columns(of: String(c))
            }
        }
        return out
    }

    /// Greedy word wrap at `width` columns: breaks after the last blank that fits, or inside a
    /// word longer than a line; each continuation starts with `hang` blanks.
    static func wrap(_ row: StyledRow, width: Int, hang: Int) -> [StyledRow] {
        guard width > 0, self.width(row) > width else { return [row] }
        let hang = hang < width / 2 ? hang : 0
        var rows: [StyledRow] = []
        var rest = row[...]
        var indent = 0
        while !rest.isEmpty {
            let room = width - indent
            var used = 0, end = rest.startIndex, lastBlank: Int?
            while end < rest.endIndex, used + rest[end].glyph.width <= room {
                if rest[end].glyph.text == " " { lastBlank = end }
                used += rest[end].glyph.width
                end += 1
            }
            if end < rest.endIndex, let blank = lastBlank, blank > rest.startIndex { end = blank + 1 }
            if end == rest.startIndex { end += 1 }
            var line = Array(repeating: StyledGlyph(glyph: Glyph(text: " ", width: 1, isEscape: false), role: .text), count: indent)
            line += rest[rest.startIndex..<end]
            while line.last?.glyph.text == " ", line.count > indent { line.removeLast() }
            rows.append(line)
            rest = rest[end...]
            while rest.first?.glyph.text == " " { rest = rest.dropFirst() }
            indent = hang
        }
        return rows
    }
}

extension Canvas {
    /// Draws a styled row from `x`, cut at `limit` with `…` when it does not fit.
    mutating func draw(_ row: StyledRow, x: Int, y: Int, limit: Int) {
        let room = Swift.min(limit, width) - x
        guard room > 0 else { return }
        var shown = row[...]
        var cut = false
        if StyledRows.width(row) > room {
            var used = 0, end = 0
            while end < row.count, used + row[end].glyph.width <= room - 1 {
                used += row[end].glyph.width
                end += 1
            }
            shown = row[..<end]
            cut = true
        }
        var col = x
        var start = shown.startIndex
        // One run of glyphs per role.
        while start < shown.endIndex {
            var end = start
            while end < shown.endIndex, shown[end].role == shown[start].role { end += 1 }
            col = draw(shown[start..<end].map(\.glyph), x: col, y: y, limit: limit, role: shown[start].role, escapeRole: .escape)
            start = end
        }
        if cut { _ = draw([Glyph(text: "…", width: 1, isEscape: false)], x: col, y: y, limit: limit, role: .dim) }
    }
}
