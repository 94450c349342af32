import FactoryEngine
import PlanDocument

/// One message, whole, over the panes (Enter in the messages pane): scrolled by row from
/// its first line, however long it is.
enum ReaderPane {
    static func draw(_ snap: Snapshot, _ reader: MessageReader, search: String?, in rect: Rect, on canvas: inout Canvas) {
        canvas.fill(rect, role: .text)
        let inner = rect.inner
        guard let message = message(snap, reader) else {
            canvas.box(rect, title: "message · Esc closes", role: .borderFocused, titleRole: .title)
            canvas.text("the message at PLAN.md line \(reader.line) is no longer there", x: inner.x, y: inner.y, limit: inner.maxX, role: .dim)
            return
        }
        let rows = MessagesPane.lines(message, width: inner.width)
        let top = clampedTop(reader.top, rows: rows.count, height: inner.height)
        let last = min(rows.count, top + inner.height)
        canvas.box(rect, title: "message · PLAN.md line \(message.line) · rows \(top + 1)–\(last) of \(rows.count) · Esc closes",
                   role: .borderFocused, titleRole: .title)
        guard !inner.isEmpty else { return }
        for (i, row) in rows[top..<last].enumerated() {
            MessagesPane.drawRow(row.glyphs, search: search, x: inner.x, y: inner.y + i, limit: inner.maxX, role: row.role, on: &canvas)
        }
    }

    static func message(_ snap: Snapshot, _ reader: MessageReader) -> PlanMessage? {
        let all = snap.plan.messages
        let log = MessageLog(all, ui: UIState(), width: 1)
        guard !log.isEmpty else { return nil }
        let found = all[log.index(of: reader.line)]
        return found.line == reader.line ? found : nil
    }

    /// The reader's rect: the screen above the status bar.
    static func rect(width: Int, height: Int) -> Rect { Rect(x: 0, y: 0, width: width, height: max(0, height - 1)) }

    /// The first row shown: never past the last page.
    static func clampedTop(_ top: Int, rows: Int, height: Int) -> Int { max(0, min(top, rows - max(1, height))) }

    /// Rows of the message at the reader's size (for scrolling and paging).
    static func rowCount(_ snap: Snapshot, _ reader: MessageReader, width: Int, height: Int) -> (rows: Int, height: Int) {
        let inner = rect(width: width, height: height).inner
        guard let message = message(snap, reader) else { return (0, max(1, inner.height)) }
        return (MessagesPane.lines(message, width: inner.width).count, max(1, inner.height))
    }
}
