/// One cell of a GFM table row, as byte offsets into the document.
public struct CellSpan: Sendable, Equatable {
    /// The cell's bytes between its pipes (for a first cell without a leading pipe, from
    /// the row's first non-blank byte).
    public var segment: Range<Int>
    /// The content: the segment with whitespace trimmed.
    public var content: Range<Int>
}

/// GFM table rows, by the grammar of cmark-gfm's table extension:
///
///     row    = '|'? spacechar* cell ('|' spacechar* cell)* '|'? spacechar* EOL
///     cell   = ( '\|' | [^|] )*
///
/// A row needs at least one cell; a cell may be empty only when a pipe follows it.
enum TableRow {
    /// Cells of the row in `start..<end` (the line's content from its first non-blank byte).
    /// Nil when the text is not a row (a lone pipe).
    static func cells(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> [CellSpan]? {
        var cells: [CellSpan] = []
        var offset = start + pipeRun(bytes, start, end)
        while offset < end {
            let cellEnd = scanCell(bytes, offset, end)
            let pipe = pipeRun(bytes, cellEnd, end)
            if cellEnd > offset || pipe > 0 {
                cells.append(CellSpan(segment: offset..<cellEnd, content: trimmed(bytes, offset, cellEnd)))
            }
            offset = cellEnd + pipe
            if pipe == 0 { break }
        }
        return cells.isEmpty ? nil : cells
    }

    /// Counts cells the way `cells` does, without allocating.
    static func cellCount(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var count = 0
        var offset = start + pipeRun(bytes, start, end)
        while offset < end {
            let cellEnd = scanCell(bytes, offset, end)
            let pipe = pipeRun(bytes, cellEnd, end)
            if cellEnd > offset || pipe > 0 { count += 1 }
            offset = cellEnd + pipe
            if pipe == 0 { break }
        }
        return count
    }

    /// Is `start..<end` a delimiter row (`| --- | :-: |`)? Returns its cell count, or 0.
    static func delimiterCells(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var i = start
        if i < end && bytes[i] == Byte.pipe { i += 1 }
        var markers = 0
        while true {
            // table_marker = spacechar* ':'? '-'+ ':'? spacechar*
            while i < end && Byte.isSpaceChar(bytes[i]) { i += 1 }
            if i < end && bytes[i] == Byte.colon { i += 1 }
            let dashes = i
            while i < end && bytes[i] == Byte.dash { i += 1 }
            if i == dashes { return 0 }
            if i < end && bytes[i] == Byte.colon { i += 1 }
            while i < end && Byte.isSpaceChar(bytes[i]) { i += 1 }
            markers += 1
            guard i < end, bytes[i] == Byte.pipe else { break }
            i += 1
            // A trailing pipe may end the row.
            var rest = i
            while rest < end && Byte.isSpaceChar(bytes[rest]) { rest += 1 }
            if rest == end { i = rest; break }
        }
        while i < end && Byte.isSpaceChar(bytes[i]) { i += 1 }
        return i == end ? markers : 0
    }

    /// Cell text as GFM gives it: trimmed, with `\|` unescaped; other markup kept.
    static func text(_ bytes: UnsafeBufferPointer<UInt8>, _ span: Range<Int>) -> String {
        let slice = UnsafeBufferPointer(rebasing: bytes[span])
        guard slice.contains(Byte.backslash) else { return String(decoding: slice, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(slice.count)
        var i = 0
        while i < slice.count {
            if slice[i] == Byte.backslash && i + 1 < slice.count && slice[i + 1] == Byte.pipe {
                i += 1
            }
            out.append(slice[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `'|' spacechar*` at `offset`: its length, or 0.
    @inline(__always)
    private static func pipeRun(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int, _ end: Int) -> Int {
        guard offset < end, bytes[offset] == Byte.pipe else { return 0 }
        var i = offset + 1
        while i < end && Byte.isSpaceChar(bytes[i]) { i += 1 }
        return i - offset
    }

    /// The end of the cell starting at `offset`: the next unescaped pipe, or `end`.
    @inline(__always)
    private static func scanCell(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int, _ end: Int) -> Int {
        var i = offset
        while i < end {
            let b = bytes[i]
            if b == Byte.pipe { return i }
            if b == Byte.backslash && i + 1 < end && bytes[i + 1] == Byte.pipe { i += 2 } else { i += 1 }
        }
        return end
    }

    @inline(__always)
    private static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Range<Int> {
        var s = start, e = end
        while s < e && Byte.isTrimmable(bytes[s]) { s += 1 }
        while e > s && Byte.isTrimmable(bytes[e - 1]) { e -= 1 }
        // A trailing `\` before the trimmed space is content; nothing more to do.
        return s..<e
    }
}
