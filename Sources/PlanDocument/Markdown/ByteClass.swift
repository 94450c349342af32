/// Byte classes of CommonMark, for scanning lines without building strings.
enum Byte {
    static let tab: UInt8 = 0x09
    static let space: UInt8 = 0x20
    static let pipe: UInt8 = 0x7C
    static let backslash: UInt8 = 0x5C
    static let hash: UInt8 = 0x23
    static let greater: UInt8 = 0x3E
    static let less: UInt8 = 0x3C
    static let backtick: UInt8 = 0x60
    static let tilde: UInt8 = 0x7E
    static let dash: UInt8 = 0x2D
    static let equals: UInt8 = 0x3D
    static let star: UInt8 = 0x2A
    static let plus: UInt8 = 0x2B
    static let underscore: UInt8 = 0x5F
    static let colon: UInt8 = 0x3A
    static let dot: UInt8 = 0x2E
    static let rparen: UInt8 = 0x29

    /// Space or tab: what CommonMark calls blank.
    @inline(__always) static func isBlank(_ b: UInt8) -> Bool { b == space || b == tab }

    /// GFM's `spacechar`: space, tab, vertical tab, form feed.
    @inline(__always) static func isSpaceChar(_ b: UInt8) -> Bool {
        b == space || b == tab || b == 0x0B || b == 0x0C
    }

    /// cmark's `cmark_isspace`, used when trimming cells: space, tab, LF, CR — not vertical
    /// tab or form feed, which stay in the cell text.
    @inline(__always) static func isTrimmable(_ b: UInt8) -> Bool {
        b == space || b == tab || b == 0x0A || b == 0x0D
    }

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    @inline(__always) static func isASCIILetter(_ b: UInt8) -> Bool {
        (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A
    }

    @inline(__always) static func lower(_ b: UInt8) -> UInt8 {
        (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
    }
}

/// A line's leading whitespace: the column of its first non-blank byte (tabs to stops of
/// four) and that byte's offset.
struct Indent {
    var columns: Int
    var firstNonBlank: Int

    @inline(__always)
    init(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
        var column = 0
        var i = start
        while i < end {
            let b = bytes[i]
            if b == Byte.space { column += 1 } else if b == Byte.tab { column += 4 - (column % 4) } else { break }
            i += 1
        }
        columns = column
        firstNonBlank = i
    }
}
