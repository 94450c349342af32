import FactoryEngine

/// The selected agent up close: why its last run went wrong (when it did), recent commits,
/// diff stat against main, the tail of its log.
enum DetailPane {
    static func draw(_ detail: AgentDetail?, agent: AgentSnapshot, focused: Bool, in rect: Rect, on canvas: inout Canvas) {
        let role = agent.role
        canvas.box(rect, title: "\(role) · Enter to close", role: focused ? .borderFocused : .border, titleRole: .title)
        let inner = rect.inner
        guard !inner.isEmpty else { return }
        guard let detail, detail.role == role else {
            canvas.text("reading…", x: inner.x, y: inner.y, limit: inner.maxX, role: .dim)
            return
        }
        var rows: [(String, ThemeRole)] = []
        if let problem = agent.problem { rows.append(("last run: \(problem)", .attention)) }
        rows.append(("commits", .title))
        rows += (detail.commits.isEmpty ? ["(none ahead of main)"] : detail.commits).map { ("  " + $0, .text) }
        rows.append(("changes", .title))
        rows += (detail.diffStat.isEmpty ? ["(no changes)"] : detail.diffStat.suffix(6)).map { ("  " + $0, .text) }
        // A protocol agent's story is its activity; anyone else's, its log.
        let (title, lines) = detail.activity.isEmpty ? ("log", detail.logTail) : ("activity", detail.activity)
        rows.append((title, .title))
        let room = max(0, inner.height - rows.count)
        rows += (lines.isEmpty ? ["(no output yet)"] : lines.suffix(room)).map { ("  " + $0, .dim) }
        for (i, row) in rows.prefix(inner.height).enumerated() {
            canvas.text(row.0, x: inner.x, y: inner.y + i, limit: inner.maxX, role: row.1)
        }
    }
}
