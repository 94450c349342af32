/// What the plan and diff views share: a box over the panes' place, rows from `top` on, and
/// in the bottom border where the view is in its rows.
enum FullViewPane {
    /// The first row shown when `top` is asked for: never past the last page.
    static func clampedTop(_ top: Int, count: Int, rows: Int) -> Int { max(0, min(top, count - rows)) }

    /// `row(i)` is asked only for the rows on screen.
    static func draw(title: String, count: Int, top: Int, row: (Int) -> StyledRow, in rect: Rect, on canvas: inout Canvas) {
        canvas.box(rect, title: title, role: .borderFocused, titleRole: .title)
        let inner = rect.inner
        guard !inner.isEmpty else { return }
        let first = clampedTop(top, count: count, rows: inner.height)
        for y in 0..<min(inner.height, count - first) {
            canvas.draw(row(first + y), x: inner.x, y: inner.y + y, limit: inner.maxX)
        }
        guard count > inner.height else { return }
        let last = min(count, first + inner.height)
        canvas.text(" \(first + 1)–\(last) of \(count) ", x: rect.x + 2, y: rect.maxY - 1, limit: rect.maxX - 2, role: .dim)
    }
}
