/// Where things sit in the document, by 0-based line: what edits need to find their place.
struct Anchors: Sendable {
    struct Table: Sendable {
        var headerLine: Int
        var lastLine: Int
        var columns: ColumnMap
        var placeholderLines: [Int]
    }

    struct ChangeLog: Sendable {
        var headerLine: Int
        var lastLine: Int
        var columns: ChangeLogColumns
    }

    struct VerdictSpot: Sendable {
        var kind: VerdictKind
        var subject: String
        var headingLine: Int
        var verdictHeadingLine: Int?
        var verdictLine: Int?
        /// The line after the section's last non-blank line.
        var sectionEnd: Int
    }

    struct Section: Sendable {
        var headingLine: Int
        /// The first line of what follows: the next heading of the same or higher level,
        /// or the thematic break before it.
        var end: Int
        /// Last non-blank line inside the section (the heading if none).
        var lastContent: Int
    }

    var tables: [Table] = []
    var changeLog: ChangeLog?
    var verdicts: [VerdictSpot] = []
    var messages: Section?
    /// Each message's lines, heading through its last body line, in `view.messages` order.
    var messageSpans: [Range<Int>] = []
    /// `_No messages yet_`, replaced by the first message.
    var noMessagesLine: Int?
    var fieldLines: [Int] = []
}
