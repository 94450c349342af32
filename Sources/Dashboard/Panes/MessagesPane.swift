import CLibc
import FactoryEngine
import PlanDocument

/// The PLAN.md message log, newest at the bottom, scrolled by wrapped row. Only what is
/// visible is laid out (`MessageLog`), so 100,000 messages cost the same as ten. The title
/// names every filter in force, so an empty pane is never unexplained.
enum MessagesPane {
    static func draw(_ snap: Snapshot, _ ui: UIState, focused: Bool, in rect: Rect, on canvas: inout Canvas) {
        let all = snap.plan.messages
        let inner = rect.inner
        let log = MessageLog(all, ui: ui, width: inner.width)
        let current = log.current(ui.messageScroll, rows: inner.height)
        canvas.box(rect, title: title(all: all, log: log, current: current, ui), role: focused ? .borderFocused : .border, titleRole: .title)
        guard !inner.isEmpty else { return }
        if log.isEmpty {
            let why = all.isEmpty ? "no messages yet" : "no message matches \(filterNames(ui).joined(separator: ", ")) (Esc clears)"
            canvas.text(why, x: inner.x, y: inner.y, limit: inner.maxX, role: .dim)
            return
        }
        let top = log.top(ui.messageScroll, rows: inner.height)
        var y = inner.y, index = top.index, skip = top.row
        while index < log.messages.count && y < inner.maxY && ui.messageScroll.shows(line: log.messages[index].line) {
            for (row, line) in log.wrapped(index).enumerated().dropFirst(skip) where y < inner.maxY {
                // The header of the message Enter opens is marked while the pane has the keys.
                let role: ThemeRole = focused && row == 0 && index == current ? .selection : line.role
                drawRow(line.glyphs, search: ui.search, x: inner.x, y: y, limit: inner.maxX, role: role, on: &canvas)
                y += 1
            }
            skip = 0
            index += 1
        }
    }

    /// "messages 40 · role builder · "fix" 3/12 · paused, 5 new": every filter named, the
    /// search's count (and, while held, which match is at the top).
    static func title(all: [PlanMessage], log: MessageLog, current: Int?, _ ui: UIState) -> String {
        var parts = ["messages \(all.count)"]
        if let role = ui.roleFilter { parts.append("role \(role)") }
        if let query = activeSearch(ui) {
            let found = log.messages.count
            let at = ui.messageScroll.isFollowing ? nil : current.map { "\($0 + 1)/\(found)" }
            parts.append("\"\(query)\" " + (at ?? "\(found) found"))
        }
        let arrived = ui.messageScroll.arrived(messageCount: all.count)
        parts.append(ui.messageScroll.isFollowing ? "follow" : arrived > 0 ? "paused, \(arrived) new" : "paused")
        return parts.joined(separator: " · ")
    }

    static func filterNames(_ ui: UIState) -> [String] {
        (ui.roleFilter.map { ["role \($0)"] } ?? []) + (activeSearch(ui).map { ["\"\($0)\""] } ?? [])
    }

    static func activeSearch(_ ui: UIState) -> String? { ui.search.flatMap { $0.isEmpty ? nil : $0 } }

    static func isFiltered(_ ui: UIState) -> Bool { ui.roleFilter != nil || activeSearch(ui) != nil }

    /// The messages the role filter and the search let through. Every message is searched
    /// each frame: an ASCII query goes to the C library's search, which folds ASCII letters
    /// only (UTF-8's other bytes never equal them).
    static func shown(_ all: [PlanMessage], _ ui: UIState) -> [PlanMessage] {
        guard isFiltered(ui) else { return all }
        let role = ui.roleFilter?.lowercased()
        let query = activeSearch(ui)?.lowercased()
        let ascii = query?.utf8.allSatisfy { $0 < 0x80 } ?? true
        let needle = Array((query ?? "").utf8CString)
        func found(_ text: String) -> Bool {
            ascii ? text.withCString { strcasestr($0, needle) != nil } : text.lowercased().contains(query ?? "")
        }
        return all.filter { m in
            if let role, m.from.lowercased() != role, !m.to.contains(where: { $0.lowercased() == role }) { return false }
            return query == nil || found(m.body) || found(m.from)
        }
    }

    /// A row with what the search found in it drawn in the search's role.
    static func drawRow(_ glyphs: [Glyph], search: String?, x: Int, y: Int, limit: Int, role: ThemeRole, on canvas: inout Canvas) {
        let found = search.map { matchedGlyphs(glyphs, query: $0) } ?? []
        guard !found.isEmpty else {
            canvas.draw(glyphs, x: x, y: y, limit: limit, role: role)
            return
        }
        var col = x
        for (i, g) in glyphs.enumerated() {
            col = canvas.draw([g], x: col, y: y, limit: limit, role: found.contains(i) ? .searchMatch : role)
        }
    }

    /// Indices of the glyphs that spell the query, ignoring case (escapes never match).
    static func matchedGlyphs(_ glyphs: [Glyph], query: String) -> Set<Int> {
        let wanted = Glyphs.of(query.lowercased()).map(\.text)
        guard !wanted.isEmpty, glyphs.count >= wanted.count else { return [] }
        let texts = glyphs.map { $0.isEscape ? "" : $0.text.lowercased() }
        var found = Set<Int>()
        for start in 0...(texts.count - wanted.count) where texts[start] == wanted[0] {
            if (1..<wanted.count).allSatisfy({ texts[start + $0] == wanted[$0] }) { found.formUnion(start..<(start + wanted.count)) }
        }
        return found
    }

    /// A header line and the body, wrapped to the pane's width.
    static func lines(_ m: PlanMessage, width: Int) -> [(glyphs: [Glyph], role: ThemeRole)] {
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
