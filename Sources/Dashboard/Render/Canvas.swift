/// A rectangle of the screen, in cells.
public struct Rect: Equatable, Sendable {
    public var x, y, width, height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }

    /// The inside of a box drawn on this rect's edge.
    public var inner: Rect { Rect(x: x + 1, y: y + 1, width: width - 2, height: height - 2) }

    /// Splits off the top `rows` rows.
    public func top(_ rows: Int) -> (Rect, Rect) {
        let r = min(rows, height)
        return (Rect(x: x, y: y, width: width, height: r), Rect(x: x, y: y + r, width: width, height: height - r))
    }

    /// Splits off the left `columns` columns.
    public func left(_ columns: Int) -> (Rect, Rect) {
        let c = min(columns, width)
        return (Rect(x: x, y: y, width: c, height: height), Rect(x: x + c, y: y, width: width - c, height: height))
    }
}

/// One terminal cell: a glyph's text and its theme role. A double-width glyph fills two
/// cells: the first holds the text, the second is its continuation.
public struct Cell: Equatable, Sendable {
    public var text: String
    public var role: ThemeRole
    public var continuation = false

    public static let blank = Cell(text: " ", role: .text)
}

/// The whole screen drawn in memory. Panes draw into it; the curses layer copies only the
/// cells that changed since the last frame. A pane can never draw outside its rect, and a
/// double-width character is never split at an edge.
public struct Canvas: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell { cells[y * width + x] }

    public mutating func fill(_ rect: Rect, role: ThemeRole) {
        let r = clip(rect)
        guard !r.isEmpty else { return }
        for y in r.y..<r.maxY { for x in r.x..<r.maxX { put(Cell(text: " ", role: role), x, y) } }
    }

    /// Draws glyphs on row `y` from column `x`, stopping before column `limit` (and the
    /// canvas edge). Escapes take `escapeRole`. Returns the column after the last glyph.
    @discardableResult
    public mutating func draw(_ glyphs: [Glyph], x: Int, y: Int, limit: Int, role: ThemeRole, escapeRole: ThemeRole = .escape) -> Int {
        guard y >= 0, y < height else { return x }
        let end = min(limit, width)
        var col = max(0, x)
        for glyph in glyphs {
            if col + glyph.width > end {
                // A wide glyph that does not fit leaves a blank, not half a character.
                if col < end { put(Cell(text: " ", role: role), col, y) ; col += 1 }
                break
            }
            put(Cell(text: glyph.text, role: glyph.isEscape ? escapeRole : role), col, y)
            if glyph.width == 2 { put(Cell(text: "", role: role, continuation: true), col + 1, y) }
            col += glyph.width
        }
        return col
    }

    /// Draws untrusted text, ending it with `…` when it is cut.
    @discardableResult
    public mutating func text(_ string: String, x: Int, y: Int, limit: Int, role: ThemeRole) -> Int {
        drawFitted(Glyphs.of(string), x: x, y: y, limit: limit, role: role)
    }

    @discardableResult
    public mutating func drawFitted(_ glyphs: [Glyph], x: Int, y: Int, limit: Int, role: ThemeRole) -> Int {
        let room = min(limit, width) - x
        guard room > 0 else { return x }
        if Glyphs.width(glyphs) <= room { return draw(glyphs, x: x, y: y, limit: limit, role: role) }
        var kept: [Glyph] = []
        var used = 0
        for g in glyphs {
            if used + g.width > room - 1 { break }
            kept.append(g)
            used += g.width
        }
        kept.append(Glyph(text: "…", width: 1, isEscape: false))
        return draw(kept, x: x, y: y, limit: limit, role: role)
    }

    /// A box on the rect's edge, with a title in the top border.
    public mutating func box(_ rect: Rect, title: String, role: ThemeRole, titleRole: ThemeRole) {
        let r = clip(rect)
        guard r.width >= 2, r.height >= 2 else { return }
        for x in r.x..<r.maxX {
            put(Cell(text: "─", role: role), x, r.y)
            put(Cell(text: "─", role: role), x, r.maxY - 1)
        }
        for y in r.y..<r.maxY {
            put(Cell(text: "│", role: role), r.x, y)
            put(Cell(text: "│", role: role), r.maxX - 1, y)
        }
        put(Cell(text: "┌", role: role), r.x, r.y)
        put(Cell(text: "┐", role: role), r.maxX - 1, r.y)
        put(Cell(text: "└", role: role), r.x, r.maxY - 1)
        put(Cell(text: "┘", role: role), r.maxX - 1, r.maxY - 1)
        if r.width > 4 { text(" \(title) ", x: r.x + 1, y: r.y, limit: r.maxX - 1, role: titleRole) }
    }

    /// Row `y` as plain text (for tests and dumps).
    public func line(_ y: Int) -> String {
        var s = ""
        for x in 0..<width where !self[x, y].continuation { s += self[x, y].text }
        return s
    }

    public var lines: [String] { (0..<height).map(line) }

    private func clip(_ r: Rect) -> Rect {
        let x0 = max(0, r.x), y0 = max(0, r.y)
        return Rect(x: x0, y: y0, width: min(width, r.maxX) - x0, height: min(height, r.maxY) - y0)
    }

    /// Sets one cell, first clearing any wide glyph it would cut in half.
    private mutating func put(_ cell: Cell, _ x: Int, _ y: Int) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        let i = y * width + x
        // Overwriting the second half of a wide glyph blanks its first half (unless this is
        // the second half of the glyph just put there).
        if cells[i].continuation, x > 0, !cell.continuation { cells[i - 1] = Cell(text: " ", role: cells[i - 1].role) }
        // Overwriting the first half blanks the second.
        if !cells[i].continuation, x + 1 < width, cells[i + 1].continuation { cells[i + 1] = Cell(text: " ", role: cells[i + 1].role) }
        cells[i] = cell
    }
}
