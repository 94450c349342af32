/// Where the detail view's feed is: following its newest line, or held at a line so that
/// what arrives does not move what is being read. Lines are known by their numbers in the
/// feed (`FeedBuffer`), which never change as lines are added or dropped.
public struct FeedScroll: Equatable, Sendable {
    /// The number of the line at the top of the view while it is held; nil while following.
    public var top: Int?
    /// The feed's end when the view was held: the lines after it are new.
    public var seenEnd = 0

    public init() {}

    public var isFollowing: Bool { top == nil }

    /// The number of the first line shown, for lines `first..<end` in `rows` rows.
    public func firstShown(first: Int, end: Int, rows: Int) -> Int {
        let bottom = max(first, end - max(1, rows))
        return top.map { min(max($0, first), bottom) } ?? bottom
    }

    /// Moves by `lines` (negative: back). Reaching the newest line follows again; a feed
    /// that fits entirely has nowhere to go.
    public mutating func scroll(by lines: Int, first: Int, end: Int, rows: Int) {
        let bottom = max(first, end - max(1, rows))
        guard bottom > first else { return lines > 0 ? follow() : () }
        let target = firstShown(first: first, end: end, rows: rows) + lines
        guard target < bottom else { return follow() }
        if top == nil { seenEnd = end }
        top = max(first, target)
    }

    /// Held where it is (`f` while following), or following again.
    public mutating func toggle(first: Int, end: Int, rows: Int) {
        guard isFollowing else { return follow() }
        top = firstShown(first: first, end: end, rows: rows)
        seenEnd = end
    }

    public mutating func follow() {
        top = nil
    }
}
