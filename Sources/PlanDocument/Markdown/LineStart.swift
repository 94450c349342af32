/// What a line opens, judged from its first non-blank byte — the block starts of CommonMark
/// that matter for finding tables, headings and code.
struct LineStart {
    let b: UnsafeBufferPointer<UInt8>
    let start: Int
    let end: Int
    let indent: Indent

    init(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
        self.b = b
        self.start = start
        self.end = end
        self.indent = Indent(b, start, end)
    }

    var isBlank: Bool { indent.firstNonBlank == end }
    var isIndentedCode: Bool { indent.columns >= 4 && !isBlank }
    private var first: UInt8 { b[indent.firstNonBlank] }
    private var canStart: Bool { indent.columns < 4 && !isBlank }

    /// Level of an ATX heading (`## Title`), or 0.
    var atxLevel: Int {
        guard canStart, first == Byte.hash else { return 0 }
        var i = indent.firstNonBlank
        while i < end && b[i] == Byte.hash { i += 1 }
        let level = i - indent.firstNonBlank
        guard level <= 6, i == end || Byte.isBlank(b[i]) else { return 0 }
        return level
    }

    /// A code fence opener: its marker byte and length.
    var fenceOpener: (marker: UInt8, length: Int)? {
        guard canStart, first == Byte.backtick || first == Byte.tilde else { return nil }
        let marker = first
        var i = indent.firstNonBlank
        while i < end && b[i] == marker { i += 1 }
        let length = i - indent.firstNonBlank
        guard length >= 3 else { return nil }
        if marker == Byte.backtick {
            while i < end { if b[i] == Byte.backtick { return nil }; i += 1 }
        }
        return (marker, length)
    }

    /// Does this line close a fence opened with `marker` × `length`?
    func closesFence(marker: UInt8, length: Int) -> Bool {
        guard canStart, first == marker else { return false }
        var i = indent.firstNonBlank
        while i < end && b[i] == marker { i += 1 }
        guard i - indent.firstNonBlank >= length else { return false }
        while i < end && Byte.isBlank(b[i]) { i += 1 }
        return i == end
    }

    /// `***`, `---`, `___` (three or more, blanks allowed between).
    var isThematicBreak: Bool {
        guard canStart, first == Byte.star || first == Byte.dash || first == Byte.underscore else { return false }
        let marker = first
        var count = 0
        for i in indent.firstNonBlank..<end {
            if b[i] == marker { count += 1 } else if !Byte.isBlank(b[i]) { return false }
        }
        return count >= 3
    }

    /// A setext underline: its heading level (1 for `===`, 2 for `---`), or 0.
    var setextLevel: Int {
        guard canStart, first == Byte.equals || first == Byte.dash else { return 0 }
        let marker = first
        var i = indent.firstNonBlank
        while i < end && b[i] == marker { i += 1 }
        while i < end && Byte.isBlank(b[i]) { i += 1 }
        guard i == end else { return 0 }
        return marker == Byte.equals ? 1 : 2
    }

    /// A list item marker (`-`, `+`, `*`, `1.`, `1)`): whether its content is empty and,
    /// for an ordered item, its number.
    var listItem: (isEmpty: Bool, ordinal: Int?, contentStart: Int)? {
        guard canStart else { return nil }
        var i = indent.firstNonBlank
        var ordinal: Int? = nil
        if first == Byte.dash || first == Byte.plus || first == Byte.star {
            i += 1
        } else {
            var value = 0
            while i < end, Byte.isDigit(b[i]), i - indent.firstNonBlank < 9 {
                value = value * 10 + Int(b[i] - 0x30)
                i += 1
            }
            guard i > indent.firstNonBlank, i < end, b[i] == Byte.dot || b[i] == Byte.rparen else { return nil }
            ordinal = value
            i += 1
        }
        guard i == end || Byte.isBlank(b[i]) else { return nil }
        while i < end && Byte.isBlank(b[i]) { i += 1 }
        return (i == end, ordinal, i)
    }

    var opensBlockQuote: Bool { canStart && first == Byte.greater }

    /// Does the line open a block other than a paragraph? After a paragraph fewer things
    /// can: indented code, an empty list item, a list not starting at 1, HTML of kind 7.
    func opensBlock(afterParagraph: Bool) -> Bool {
        if isBlank { return false }
        if indent.columns >= 4 { return !afterParagraph }
        if opensBlockQuote || atxLevel > 0 || fenceOpener != nil || isThematicBreak { return true }
        if HTMLBlock.opening(b, indent.firstNonBlank, end, interruptsParagraph: afterParagraph) != nil { return true }
        if let item = listItem {
            if !afterParagraph { return true }
            return !item.isEmpty && (item.ordinal == nil || item.ordinal == 1)
        }
        return false
    }

    /// Cells of a GFM delimiter row (`|---|:--|`), or 0.
    var delimiterCells: Int {
        guard canStart else { return 0 }
        return TableRow.delimiterCells(b, indent.firstNonBlank, end)
    }
}
