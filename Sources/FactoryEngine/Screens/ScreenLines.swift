/// A region's lines joined with newlines, with its length in UTF-16 units (what
/// NSRegularExpression counts in), measured once.
struct RegionText {
    let string: String
    let length: Int

    init(_ string: String) {
        self.string = string
        length = string.utf16.count
    }
}

/// A captured screen as lines, made safe to match: escape sequences and control characters
/// dropped (a capture taken with `-e`, or a CLI that printed raw bytes, still reads), lines
/// and their number capped (no screen is wider or taller; a hostile one costs no more).
struct ScreenLines {
    static let maxColumns = 2_000
    static let maxLines = 1_000

    let lines: [String]
    /// The index of the last line that is not blank, or -1.
    let lastFilled: Int

    init(_ text: String) {
        var clean = ScreenLines.needsCleaning(text) ? ScreenLines.clean(text) : text
        // Split on bytes, not Characters: grapheme breaking a whole screen costs more than
        // everything else a read does.
        var lines: [String] = []
        clean.withUTF8 { bytes in
            var start = 0
            for i in 0...bytes.count where i == bytes.count || bytes[i] == 0x0A {
                lines.append(Self.line(UnsafeBufferPointer(rebasing: bytes[start..<i])))
                start = i + 1
            }
        }
        if lines.last == "" { lines.removeLast() }  // the newline that ends the last row
        if lines.count > Self.maxLines { lines.removeFirst(lines.count - Self.maxLines) }
        self.lines = lines
        lastFilled = lines.lastIndex { line in line.utf8.contains { $0 != 0x20 && $0 != 0x09 } } ?? -1
    }

    /// A row's text, cut to `maxColumns` scalars.
    private static func line(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let line = String(decoding: bytes, as: UTF8.self)
        guard bytes.count > maxColumns, line.unicodeScalars.count > maxColumns else { return line }
        return String(String.UnicodeScalarView(line.unicodeScalars.prefix(maxColumns)))
    }

    /// The region's text, or nil when it has no lines (a cursor region without a cursor).
    func text(of region: ScreenRegion, cursorRow: Int?) -> RegionText? {
        let first: Int, last: Int
        switch region {
        case .screen: (first, last) = (0, lastFilled)
        case .top(let n): (first, last) = (0, min(n, lastFilled + 1) - 1)
        case .bottom(let n): (first, last) = (max(0, lastFilled - n + 1), lastFilled)
        case .cursor(let n):
            guard let row = cursorRow, row >= 0, row < lines.count else { return nil }
            (first, last) = (max(0, row - n), min(lines.count - 1, row + n))
        }
        guard first >= 0, first <= last, last < lines.count else { return nil }
        return RegionText(lines[first...last].joined(separator: "\n"))
    }

    /// Whether there is anything `clean` would drop: a C0 control but tab and newline, DEL,
    /// or a C1 control (UTF-8 C2 80…C2 9F; C2 alone also starts the no-break space).
    private static func needsCleaning(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var afterC2 = false
            for byte in bytes {
                if byte < 0x20 && byte != 0x0A && byte != 0x09 || byte == 0x7F || afterC2 && byte < 0xA0 { return true }
                afterC2 = byte == 0xC2
            }
            return false
        }
    }

    /// Drops CSI, OSC and other escape sequences, C0 and C1 controls; CR ends a line.
    private static func clean(_ text: String) -> String {
        enum Mode { case text, escape, csi, osc, oscEscape }
        var out = String.UnicodeScalarView()
        var mode = Mode.text
        var previous: Unicode.Scalar = "\0"
        for scalar in text.unicodeScalars {
            let v = scalar.value
            switch mode {
            case .text:
                if v == 0x1B { mode = .escape }
                else if v == 0x9B { mode = .csi }
                else if v == 0x9D { mode = .osc }
                else if v == 0x0D { out.append("\n") }
                else if v == 0x0A { if previous != "\r" { out.append(scalar) } }
                else if v == 0x09 || (v >= 0x20 && v != 0x7F && !(0x80...0x9F).contains(v)) { out.append(scalar) }
            case .escape:
                mode = v == 0x5B ? .csi : v == 0x5D ? .osc : .text
            case .csi:
                if (0x40...0x7E).contains(v) { mode = .text }
            case .osc:
                if v == 0x07 || v == 0x9C { mode = .text } else if v == 0x1B { mode = .oscEscape }
            case .oscEscape:
                mode = .text
            }
            previous = scalar
        }
        return String(out)
    }
}
