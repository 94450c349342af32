/// A row of the message log: a message, known by its line in PLAN.md, and a wrapped row of it
/// (0: its header). Known by the message's line, not by its index, so messages arriving,
/// or filtered out, never move what the user reads.
public struct MessagePlace: Equatable, Sendable {
    public var line: Int
    public var row: Int

    public init(line: Int, row: Int = 0) {
        self.line = line
        self.row = row
    }
}

/// Where the messages pane is: following the newest message, or held with a given row at
/// its top, however many messages arrive.
public struct MessageScroll: Equatable, Sendable {
    /// The row at the top of the pane while it is held; nil while following.
    public var top: MessagePlace?
    /// How many messages PLAN.md had when the pane was held: those after arrived since.
    public var seenCount = 0
    /// While held, messages after this PLAN.md line are not drawn (they arrived after the
    /// last move), so nothing appears in a held pane's empty rows either.
    public var shownThrough = Int.max

    public init() {}

    public var isFollowing: Bool { top == nil }

    /// Held at `place`, showing the messages up to PLAN.md line `newestLine`; the count of
    /// messages when it was first held is the mark new ones are counted from.
    public mutating func hold(at place: MessagePlace, messageCount: Int, newestLine: Int = Int.max) {
        if top == nil { seenCount = messageCount }
        top = place
        shownThrough = newestLine
    }

    public mutating func follow() {
        top = nil
        shownThrough = Int.max
    }

    /// Whether the message at PLAN.md line `line` is drawn.
    public func shows(line: Int) -> Bool { top == nil || line <= shownThrough }

    /// Messages that arrived since the pane was held (0 while following).
    public func arrived(messageCount: Int) -> Int { top == nil ? 0 : max(0, messageCount - seenCount) }
}
