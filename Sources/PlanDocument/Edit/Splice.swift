/// Replaces whole lines, or bytes inside one line, leaving every other byte as it was.
struct Splice {
    /// Byte range replaced.
    var range: Range<Int>
    var replacement: [UInt8]

    func applied(to doc: PlanDocument) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(doc.bytes.count + replacement.count)
        out.append(contentsOf: doc.bytes[..<range.lowerBound])
        out.append(contentsOf: replacement)
        out.append(contentsOf: doc.bytes[range.upperBound...])
        return out
    }
}

extension PlanDocument {
    /// The line ending the file mostly uses: that of its first line, LF when it has none.
    var newline: [UInt8] {
        guard lines.count > 0 else { return [0x0A] }
        let r = lines.range(of: 0)
        let end = r.upperBound
        if end >= 2 && bytes[end - 2] == 0x0D && bytes[end - 1] == 0x0A { return [0x0D, 0x0A] }
        if end >= 1 && bytes[end - 1] == 0x0D { return [0x0D] }
        return [0x0A]
    }

    /// Inserts `newLines` (without terminators) before line `index` (`lines.count` = at the end).
    func insertLines(_ newLines: [String], before index: Int) -> Splice {
        let nl = newline
        var out: [UInt8] = []
        let at = index < lines.count ? lines.starts[index] : bytes.count
        // Appending to a file whose last line has no terminator: end that line first.
        if index >= lines.count, let last = bytes.last, last != 0x0A, last != 0x0D { out += nl }
        for line in newLines { out += Array(line.utf8) + nl }
        return Splice(range: at..<at, replacement: out)
    }

    /// Replaces line `index`'s content with `text`, keeping its terminator.
    func replaceLine(_ index: Int, with text: String) -> Splice {
        let range = withSource { $0.content(index) }
        return Splice(range: range, replacement: Array(text.utf8))
    }

    /// Replaces line `index` (terminator kept) by several lines.
    func replaceLine(_ index: Int, withLines newLines: [String]) -> Splice {
        replaceLine(index, with: newLines.joined(separator: String(decoding: newline, as: UTF8.self)))
    }

    func withSource<R>(_ body: (Source) -> R) -> R {
        bytes.withUnsafeBufferPointer { body(Source(b: $0, lines: lines)) }
    }
}
