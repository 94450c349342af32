import FactoryEngine

/// A request whole (`RequestText`) laid out in rows of one width: made once per request and
/// width — a Write of megabytes is measured once, not each frame — and each row is made into
/// glyphs only while it is on screen (`row`). Lines wrap after the last blank that fits (or
/// inside a word longer than a row) and keep every character, blanks included: what is
/// read is what runs.
struct RequestLayout {
    enum Row {
        /// Between parts.
        case blank
        /// Part `part`'s label, from `range` of it.
        case label(part: Int, range: Range<String.Index>)
        /// Part `part`'s line `line`, from `range` of it; `number` on the row where a line
        /// begins, in a part whose lines are numbered; `continues`: the line began above.
        case line(part: Int, line: Int, range: Range<String.Index>, number: Int?, continues: Bool)
    }

    let requestID: String
    let receivedAt: Double
    let width: Int
    let text: RequestText
    /// What answering does to it (the rule "always" adds is read from the input: once).
    let answering: PermissionRequest.Answering
    private(set) var rows: [Row] = []
    /// Per part: the columns of its line numbers (0: not numbered) and whether its lines
    /// carry an edit's `-`/`+`.
    private(set) var digits: [Int] = []
    private(set) var marked: [Bool] = []

    init(_ request: PermissionRequest, width: Int) {
        requestID = request.requestID
        receivedAt = request.receivedAt.timeIntervalSince1970
        self.width = width
        text = RequestText(request)
        answering = request.answering
        for (p, part) in text.parts.enumerated() {
            if p > 0 { rows.append(.blank) }
            // Lines are numbered where a part has several (a command's second line is a
            // second command: it must never read as the first one wrapped), but not beside a
            // question's own numbered choices. An edit counts its old and new lines apart.
            let numbered = part.lines.count > 1 && !part.lines.contains { $0.kind == .choice }
            let marks = part.lines.contains { $0.kind == .removed || $0.kind == .added }
            digits.append(numbered ? String(part.lines.count).count : 0)
            marked.append(marks)
            rows += Self.wrap(part.label, room: width).map { .label(part: p, range: $0) }
            var counts: [RequestText.Kind: Int] = [:]
            for (l, line) in part.lines.enumerated() {
                counts[line.kind, default: 0] += 1
                for (i, range) in Self.wrap(line.text, room: max(1, width - indent(p, line.kind, continues: true))).enumerated() {
                    rows.append(.line(part: p, line: l, range: range, number: numbered && i == 0 ? counts[line.kind] : nil, continues: i > 0))
                }
            }
        }
    }

    /// Is this the layout of `request` at `width`?
    func lays(_ request: PermissionRequest, width: Int) -> Bool {
        requestID == request.requestID && receivedAt == request.receivedAt.timeIntervalSince1970 && self.width == width
    }

    /// Columns before a line's text in part `p`: the edit's mark and a blank, the number and
    /// ` │ `; in a part with neither, a choice is set in by two, and a line carried on to the
    /// next row hangs by two more.
    func indent(_ p: Int, _ kind: RequestText.Kind, continues: Bool) -> Int {
        let gutter = (marked[p] ? 2 : 0) + (digits[p] > 0 ? digits[p] + 3 : 0)
        return gutter > 0 ? gutter : (kind == .choice ? 2 : 0) + (continues ? 2 : 0)
    }

    /// `text` cut into rows of at most `room` columns (as `Glyphs` measures them): after the
    /// last blank that fits, else where the row is full; no character is dropped, and one
    /// character (an escape, a wide character) is never split.
    static func wrap(_ text: String, room: Int) -> [Range<String.Index>] {
        var rows: [Range<String.Index>] = []
        var start = text.startIndex, i = start, used = 0
        var blank: (after: String.Index, used: Int)?
        while i < text.endIndex {
            let c = text[i]
            let w: Int
            if let a = c.asciiValue, a >= 0x20, a < 0x7F { w = 1 } else { w = Glyphs.width(Glyphs.of(String(c))) }
            if used + w > room, i > start {
                if let b = blank, b.after > start {
                    rows.append(start..<b.after)
                    used -= b.used
                    start = b.after
                } else {
                    rows.append(start..<i)
                    used = 0
                    start = i
                }
                blank = nil
                continue
            }
            used += w
            i = text.index(after: i)
            if c == " " || c == "\t" { blank = (i, used) }
        }
        rows.append(start..<text.endIndex)
        return rows
    }

    /// Row `i`, made into glyphs: a label in the title's role, a line after its gutter (the
    /// edit's mark, its number) in its kind's role. Text from the agent is drawn inert.
    func row(_ i: Int) -> StyledRow {
        switch rows[i] {
        case .blank: return []
        case .label(let p, let range): return StyledRows.of(String(text.parts[p].label[range]), .title)
        case .line(let p, let l, let range, let number, let continues):
            let line = text.parts[p].lines[l]
            let role: ThemeRole = line.kind == .removed ? .diffRemoved : line.kind == .added ? .diffAdded : .text
            var gutter: StyledRow = []
            if marked[p] {
                let mark = continues ? " " : line.kind == .removed ? "-" : line.kind == .added ? "+" : " "
                gutter += StyledRows.of(mark + " ", role)
            }
            if digits[p] > 0 {
                let shown = number.map(String.init) ?? ""
                gutter += StyledRows.of(String(repeating: " ", count: digits[p] - shown.count) + shown + " │ ", .dim)
            }
            if gutter.isEmpty { gutter = StyledRows.of(String(repeating: " ", count: indent(p, line.kind, continues: continues)), .text) }
            return gutter + StyledRows.of(String(line.text[range]), role)
        }
    }
}
