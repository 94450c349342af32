import FactoryEngine

/// `d`: an agent's changes against main — the files with their counts, then every hunk,
/// added and removed lines in their theme roles, each file under a rule. Rows are made only
/// for the lines on screen, so a diff of 20,000 lines costs a page a frame.
enum DiffPane {
    /// Rows above the diff's own lines: the note of a cut diff (or git's error), the summary,
    /// the files, a blank.
    static func headerCount(_ diff: AgentDiff) -> Int {
        (diff.note == nil ? 0 : 1) + (diff.files.isEmpty ? 1 : diff.files.count + 2)
    }

    static func count(_ diff: AgentDiff?) -> Int {
        guard let diff else { return 1 }
        return headerCount(diff) + diff.lines.count
    }

    /// The rows where each file's diff begins: `]` and `[` go from one to the next.
    static func fileRows(_ diff: AgentDiff?) -> [Int] {
        guard let diff else { return [] }
        return diff.files.map { headerCount(diff) + $0.line }
    }

    /// The rows above the diff's own lines (see `headerCount`).
    static func header(_ diff: AgentDiff, width: Int) -> [StyledRow] {
        var rows: [StyledRow] = []
        if let note = diff.note { rows.append(StyledRows.of(note, .attention)) }
        guard !diff.files.isEmpty else { return rows + [StyledRows.of("no changes against main", .dim)] }
        let pathWidth = min(max(10, width - 16), diff.files.map { StyledRows.width(StyledRows.of($0.path, .text)) }.max() ?? 0)
        return rows + [summary(diff)] + diff.files.map { fileLine($0, pathWidth: pathWidth) } + [[]]
    }

    /// Row `i` of the view; `header` is `header(diff, width:)`, made once a frame.
    static func row(_ diff: AgentDiff?, _ i: Int, header: [StyledRow], width: Int) -> StyledRow {
        guard let diff else { return StyledRows.of("reading…", .dim) }
        if i < header.count { return header[i] }
        let line = diff.lines[i - header.count]
        switch line.kind {
        case .file:
            let path = diff.files.first { $0.line == i - header.count }?.path ?? line.text
            let label = StyledRows.of("── \(path) ", .title)
            return label + StyledRows.of(String(repeating: "─", count: max(0, width - StyledRows.width(label))), .title)
        case .meta: return StyledRows.of(line.text, .dim)
        case .hunk: return StyledRows.of(line.text, .diffHunk)
        case .added: return StyledRows.of(StyledRows.expandingTabs(line.text, after: 1), .diffAdded)
        case .removed: return StyledRows.of(StyledRows.expandingTabs(line.text, after: 1), .diffRemoved)
        case .context: return StyledRows.of(StyledRows.expandingTabs(line.text, after: 1), .text)
        }
    }

    /// `3 files changed  +12 −4`.
    static func summary(_ diff: AgentDiff) -> StyledRow {
        let added = diff.files.reduce(0) { $0 + $1.added }, removed = diff.files.reduce(0) { $0 + $1.removed }
        return StyledRows.of("\(diff.files.count) file\(diff.files.count == 1 ? "" : "s") changed  ", .title)
            + StyledRows.of("+\(added)", .diffAdded) + StyledRows.of(" −\(removed)", .diffRemoved)
    }

    /// `  src/greeting.txt   +1 −0`, paths padded to one column of counts.
    static func fileLine(_ file: AgentDiff.File, pathWidth: Int) -> StyledRow {
        var path = StyledRows.of(file.path, .text)
        if StyledRows.width(path) > pathWidth {
            // The end of a long path says more than its start: the glyphs that fit, counted
            // from the end once (a path can be thousands of characters; each frame makes this).
            var used = 0
            let kept = path.reversed().prefix { used += $0.glyph.width; return used <= pathWidth - 1 }
            path = StyledRows.of("…", .dim) + kept.reversed()
        }
        let pad = StyledRows.of(String(repeating: " ", count: max(0, pathWidth - StyledRows.width(path)) + 2), .text)
        return StyledRows.of("  ", .text) + path + pad + StyledRows.of("+\(file.added)", .diffAdded) + StyledRows.of(" −\(file.removed)", .diffRemoved)
    }

    static func title(_ role: String) -> String { "diff · \(role) · main...agent/\(role)" }

    static func draw(_ diff: AgentDiff?, role: String, top: Int, in rect: Rect, on canvas: inout Canvas) {
        let diff = diff?.role == role ? diff : nil
        let width = rect.inner.width
        let header = diff.map { Self.header($0, width: width) } ?? []
        FullViewPane.draw(title: title(role), count: count(diff), top: top, row: { row(diff, $0, header: header, width: width) }, in: rect, on: &canvas)
    }
}
