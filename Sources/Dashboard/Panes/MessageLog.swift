import FactoryEngine
import PlanDocument

/// The message log as the pane lays it out: the messages shown (by the role filter and the
/// search), each wrapped to the pane's width. Only the messages a question needs are
/// wrapped, so 100,000 messages cost what the visible ones cost.
struct MessageLog {
    typealias Row = (glyphs: [Glyph], role: ThemeRole)

    /// A wrapped row by the index of its message among those shown.
    struct Position: Comparable {
        var index: Int
        var row: Int
        static func < (a: Position, b: Position) -> Bool { (a.index, a.row) < (b.index, b.row) }
    }

    let messages: [PlanMessage]
    let width: Int
    /// The PLAN.md line of the newest message, shown or not.
    let newestLine: Int

    init(_ all: [PlanMessage], ui: UIState, width: Int) {
        messages = MessagesPane.shown(all, ui)
        self.width = width
        newestLine = all.last?.line ?? -1
    }

    var isEmpty: Bool { messages.isEmpty }

    func wrapped(_ index: Int) -> [Row] { MessagesPane.lines(messages[index], width: width) }

    /// The index of the message at PLAN.md line `line`, or of the first after it when that
    /// one has gone (messages are in the order of their lines).
    func index(of line: Int) -> Int {
        var low = 0, high = messages.count
        while low < high {
            let mid = (low + high) / 2
            if messages[mid].line < line { low = mid + 1 } else { high = mid }
        }
        return min(low, messages.count - 1)
    }

    func position(_ place: MessagePlace) -> Position {
        let i = index(of: place.line)
        return Position(index: i, row: messages[i].line == place.line ? min(place.row, wrapped(i).count - 1) : 0)
    }

    func place(_ p: Position) -> MessagePlace { MessagePlace(line: messages[p.index].line, row: p.row) }

    /// The top row while following: the newest rows fill the pane.
    func followingTop(rows height: Int) -> Position {
        var total = 0
        for i in messages.indices.reversed() {
            let count = wrapped(i).count
            if total + count >= height { return Position(index: i, row: total + count - height) }
            total += count
        }
        return Position(index: 0, row: 0)
    }

    func top(_ scroll: MessageScroll, rows height: Int) -> Position {
        scroll.top.map(position) ?? followingTop(rows: height)
    }

    /// `delta` rows on (back when negative), stopping at the first row and the last.
    func moved(_ p: Position, by delta: Int) -> Position {
        var i = p.index, r = p.row, left = delta
        while left < 0 {
            if r > 0 {
                let step = min(r, -left)
                r -= step
                left += step
            } else if i > 0 {
                i -= 1
                r = wrapped(i).count - 1
                left += 1
            } else { break }
        }
        while left > 0 {
            let rest = wrapped(i).count - 1 - r
            if rest > 0 {
                let step = min(rest, left)
                r += step
                left -= step
            } else if i < messages.count - 1 {
                i += 1
                r = 0
                left -= 1
            } else { break }
        }
        return Position(index: i, row: r)
    }

    /// The message Enter opens and `n` moves on from: the first whose header is in view from
    /// the top row on, else the one the top row belongs to; the newest while following.
    func current(_ scroll: MessageScroll, rows height: Int) -> Int? {
        guard !isEmpty else { return nil }
        guard scroll.top != nil else { return messages.count - 1 }
        let top = top(scroll, rows: height)
        if top.row == 0 { return top.index }
        let next = top.index + 1
        return next < messages.count && scroll.shows(line: messages[next].line) && wrapped(top.index).count - top.row < height ? next : top.index
    }
}
