/// The messages pane's moves, as values: the keys' effects on a `MessageScroll`.
extension MessageLog {
    /// Back (negative) or on by wrapped rows; reaching the newest row follows again.
    func scrolled(_ scroll: MessageScroll, by delta: Int, rows: Int, messageCount: Int) -> MessageScroll {
        guard !isEmpty else { return scroll }
        var scroll = scroll
        let from = top(scroll, rows: rows)
        let to = moved(from, by: delta)
        if delta > 0 && to >= followingTop(rows: rows) {
            scroll.follow()
        } else if !(scroll.isFollowing && to == from) {
            scroll.hold(at: place(to), messageCount: messageCount, newestLine: newestLine)
        }
        return scroll
    }

    /// `g`: the oldest message's first row.
    func atOldest(_ scroll: MessageScroll, rows: Int, messageCount: Int) -> MessageScroll {
        guard !isEmpty else { return scroll }
        var scroll = scroll
        scroll.hold(at: place(Position(index: 0, row: 0)), messageCount: messageCount, newestLine: newestLine)
        return scroll
    }

    /// `f`: held exactly where it is, or following again.
    func toggled(_ scroll: MessageScroll, rows: Int, messageCount: Int) -> MessageScroll {
        var scroll = scroll
        guard scroll.isFollowing else {
            scroll.follow()
            return scroll
        }
        scroll.hold(at: isEmpty ? MessagePlace(line: Int.max) : place(followingTop(rows: rows)), messageCount: messageCount, newestLine: newestLine)
        return scroll
    }

    /// `n` / `N` while searching: the next (previous) message found comes to the top, round
    /// from the last to the first; the notice says when it went round.
    func jumped(_ scroll: MessageScroll, by step: Int, rows: Int, messageCount: Int) -> (MessageScroll, String?) {
        guard let current = current(scroll, rows: rows) else { return (scroll, "no message matches") }
        let count = messages.count
        let next = ((current + step) % count + count) % count
        let wentRound = step > 0 ? next <= current : next >= current
        var scroll = scroll
        scroll.hold(at: MessagePlace(line: messages[next].line), messageCount: messageCount, newestLine: newestLine)
        return (scroll, wentRound ? "search went round to the \(step > 0 ? "first" : "last") match" : nil)
    }
}
