import FactoryEngine

/// The messages pane's keys: scrolling by wrapped row, following, the search's matches and
/// the reader.
extension DashboardApp {
    /// The terminal's size in cells (80×24 before the screen is open).
    var screenSize: (width: Int, height: Int) { screen.map { (Int($0.width), Int($0.height)) } ?? (80, 24) }

    /// The log as the messages pane lays it out at the terminal's size, and its rows.
    var messageLog: (log: MessageLog, rows: Int) {
        let (w, h) = screenSize
        let inner = Layout.make(width: w, height: h, focus: .messages).messages.inner
        return (MessageLog(snapshot.plan.messages, ui: state, width: max(1, inner.width)), max(1, inner.height))
    }

    func scrollMessages(by delta: Int) {
        let (log, rows) = messageLog
        state.messageScroll = log.scrolled(state.messageScroll, by: delta, rows: rows, messageCount: snapshot.plan.messages.count)
    }

    func messagesToOldest() {
        let (log, rows) = messageLog
        state.messageScroll = log.atOldest(state.messageScroll, rows: rows, messageCount: snapshot.plan.messages.count)
    }

    func toggleMessageFollowing() {
        let (log, rows) = messageLog
        state.messageScroll = log.toggled(state.messageScroll, rows: rows, messageCount: snapshot.plan.messages.count)
    }

    func jumpToMatch(_ step: Int) {
        let (log, rows) = messageLog
        let (scroll, notice) = log.jumped(state.messageScroll, by: step, rows: rows, messageCount: snapshot.plan.messages.count)
        state.messageScroll = scroll
        state.notice = notice
    }

    /// Enter in the messages pane: the current message, whole.
    func openReader() {
        let (log, rows) = messageLog
        guard let current = log.current(state.messageScroll, rows: rows) else { return }
        state.reader = MessageReader(line: log.messages[current].line)
    }

    /// The reader's keys; false for a key the reader leaves to the dashboard.
    func readerTakes(_ action: KeyAction) -> Bool {
        guard var reader = state.reader else { return false }
        let (w, h) = screenSize
        let size = ReaderPane.rowCount(snapshot, reader, width: w, height: h)
        let delta: Int
        switch action {
        case .up: delta = -1
        case .down: delta = 1
        case .pageUp: delta = -size.height
        case .pageDown: delta = size.height
        case .top: delta = -size.rows
        case .bottom: delta = size.rows
        case .cancel, .detail, .quit:
            // q closes the reader, as it closes the plan and diff views: it never quits from a view.
            state.reader = nil
            return true
        default: return false
        }
        reader.top = ReaderPane.clampedTop(ReaderPane.clampedTop(reader.top, rows: size.rows, height: size.height) + delta, rows: size.rows, height: size.height)
        state.reader = reader
        return true
    }
}
