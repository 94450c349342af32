/// The document's bytes and lines, with the small reads every extractor needs.
struct Source {
    let b: UnsafeBufferPointer<UInt8>
    let lines: LineTable

    /// Line `i`'s content, terminator left out.
    @inline(__always)
    func content(_ i: Int) -> Range<Int> {
        let s = lines.starts[i]
        return s..<contentEnd(b, s, lines.starts[i + 1])
    }

    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: b[range]), as: UTF8.self)
    }

    /// Line `i` without leading and trailing blanks.
    func trimmedLine(_ i: Int) -> String { string(trimmed(content(i))) }

    func trimmed(_ r: Range<Int>) -> Range<Int> {
        var s = r.lowerBound, e = r.upperBound
        while s < e && Byte.isBlank(b[s]) { s += 1 }
        while e > s && Byte.isBlank(b[e - 1]) { e -= 1 }
        return s..<e
    }

    func isBlank(_ i: Int) -> Bool { trimmed(content(i)).isEmpty }

    /// The cells of table row `line`, as spans (empty when the line is no row).
    func cellSpans(_ line: Int) -> [CellSpan] {
        let r = content(line)
        return TableRow.cells(b, Indent(b, r.lowerBound, r.upperBound).firstNonBlank, r.upperBound) ?? []
    }

    /// The cells of table row `line`, as GFM text.
    func cellTexts(_ line: Int) -> [String] { cellSpans(line).map { TableRow.text(b, $0.content) } }

    /// The text of a heading block: ATX markers and closing hashes removed; a setext
    /// heading's lines joined.
    func headingText(_ block: Block) -> String {
        if block.firstLine != block.lastLine {
            return (block.firstLine..<block.lastLine).map { trimmedLine($0) }.joined(separator: " ")
        }
        return string(atxText(block.firstLine))
    }

    /// An ATX heading line's text, as bytes.
    func atxText(_ line: Int) -> Range<Int> {
        var r = trimmed(content(line))
        var s = r.lowerBound
        while s < r.upperBound && b[s] == Byte.hash { s += 1 }
        r = trimmed(s..<r.upperBound)
        // A closing run of hashes counts only after a blank (or when it is all there is).
        var e = r.upperBound
        while e > r.lowerBound && b[e - 1] == Byte.hash { e -= 1 }
        if e == r.lowerBound || Byte.isBlank(b[e - 1]) { r = trimmed(r.lowerBound..<e) }
        return r
    }

    /// Does `r` start with `prefix` (ASCII, any case)?
    func hasPrefix(_ r: Range<Int>, caseInsensitive prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        guard r.count >= n else { return false }
        let p = prefix.utf8Start
        for k in 0..<n where Byte.lower(b[r.lowerBound + k]) != p[k] { return false }
        return true
    }

    /// Text of lines `from..<to` with leading and trailing blank lines dropped and line
    /// endings made LF.
    func body(from: Int, to: Int) -> String {
        var first = from, last = to - 1
        while first <= last && isBlank(first) { first += 1 }
        while last >= first && isBlank(last) { last -= 1 }
        guard first <= last else { return "" }
        let range = lines.starts[first]..<content(last).upperBound
        let slice = UnsafeBufferPointer(rebasing: b[range])
        guard slice.contains(0x0D) else { return String(decoding: slice, as: UTF8.self) }
        return (first...last).map { string(content($0)) }.joined(separator: "\n")
    }
}

/// Markup people put around words in cells and headings: `**T1**`, `_done_`, `` `x` ``.
func strippingEmphasis<S: StringProtocol>(_ text: S) -> String {
    var t = Substring(text).trimmingBlanks()
    let markers: [Character] = ["*", "_", "`", "~"]
    while let first = t.first, markers.contains(first), t.last == first, t.count >= 2 {
        t = t.dropFirst().dropLast().trimmingBlanks()
    }
    return String(t)
}

extension Substring {
    func trimmingBlanks() -> Substring {
        var t = self
        while let f = t.first, f == " " || f == "\t" { t = t.dropFirst() }
        while let l = t.last, l == " " || l == "\t" { t = t.dropLast() }
        return t
    }
}

extension String {
    func trimmingBlanks() -> String { String(Substring(self).trimmingBlanks()) }
}
