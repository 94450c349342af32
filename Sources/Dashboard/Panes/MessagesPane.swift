import FactoryEngine
import PlanDocument

/// The PLAN.md message log, newest at the bottom. Only what is visible is laid out: the
/// pane walks back from the newest message until it is full, so 100,000 messages cost the
/// same as ten.
enum MessagesPane {
    static func draw(_ snap: Snapshot, _ ui: UIState, focused: Bool, in rect: Rect, on canvas: inout Canvas) {
        let all = snap.plan.messages
        let filterNote = ui.roleFilter.map { " · \($0)" } ?? ""
        let followNote = ui.follow ? " · follow" : " · paused"
        canvas.box(rect, title: "messages \(all.count)\(filterNote)\(followNote)", role: focused ? .borderFocused : .border, titleRole: .title)
        let inner = rect.inner
        guard !inner.isEmpty else { return }
        var rows: [(glyphs: [Glyph], role: ThemeRole)] = []
        var index = all.count - 1 - (ui.follow ? 0 : ui.messageOffset)
        while index >= 0 && rows.count < inner.height {
            let message = all[index]
            index -= 1
            guard matches(message, ui) else { continue }
            rows.insert(contentsOf: lines(message, width: inner.width, search: ui.search), at: 0)
        }
        let visible = rows.suffix(inner.height)
        for (i, row) in visible.enumerated() {
            canvas.draw(row.glyphs, x: inner.x, y: inner.y + i, limit: inner.maxX, role: row.role)
        }
        if all.isEmpty { canvas.text("no messages yet", x: inner.x, y: inner.y, limit: inner.maxX, role: .dim) }
    }

    static func matches(_ m: PlanMessage, _ ui: UIState) -> Bool {
        if let role = ui.roleFilter?.lowercased(), m.from.lowercased() != role, !m.to.contains(where: { $0.lowercased() == role }) { return false }
        if let q = ui.search?.lowercased(), !q.isEmpty, !m.body.lowercased().contains(q), !m.from.lowercased().contains(q) { return false }
        return true
    }

    /// A header line and the body, wrapped to the pane's width.
    static func lines(_ m: PlanMessage, width: Int, search: String?) -> [(glyphs: [Glyph], role: ThemeRole)] {
        let time = m.time.isEmpty ? "" : " (\(m.time))"
        var out: [(glyphs: [Glyph], role: ThemeRole)] = [(Glyphs.of("\(m.from) → \(m.to.joined(separator: ", "))\(time)"), .messageSender)]
        for line in m.body.split(separator: "\n", omittingEmptySubsequences: false) {
            let glyphs = Glyphs.of("  " + line)
            out += wrap(glyphs, width: width).map { ($0, .messageBody) }
        }
        return out
    }

    /// Splits glyphs into rows no wider than `width`, at a space where the row has one (a
    /// wide glyph never straddles two rows). Continuation rows are indented by two.
    static func wrap(_ glyphs: [Glyph], width: Int) -> [[Glyph]] {
        guard width > 4 else { return [glyphs] }
        let indent = [Glyph(text: " ", width: 1, isEscape: false), Glyph(text: " ", width: 1, isEscape: false)]
        var rows: [[Glyph]] = [[]]
        var used = 0
        for g in glyphs {
            if used + g.width > width {
                var row = rows.removeLast()
                var carried: [Glyph] = []
                // Break after the last space that is not the indent, when there is one.
                if let space = row.lastIndex(where: { $0.text == " " && !$0.isEscape }), space > 2, space < row.count - 1 {
                    carried = Array(row[(space + 1)...])
                    row.removeSubrange((space + 1)...)
                }
                rows.append(row)
                rows.append(indent + carried)
                used = Glyphs.width(rows[rows.count - 1])
            }
            rows[rows.count - 1].append(g)
            used += g.width
        }
        return rows
    }
}
