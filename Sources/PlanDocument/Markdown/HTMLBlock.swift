/// CommonMark HTML blocks: which of the seven kinds a line opens, and whether a line ends it.
/// Tables, messages and headings inside an HTML block (an HTML comment, say) do not count.
enum HTMLBlock: Equatable {
    case rawText(closer: [UInt8])      // kinds 1–5: end at a line containing the closer
    case untilBlankLine                // kinds 6 and 7

    /// Kind 1 as cmark-gfm 0.29 has it: no `textarea` (a later spec addition), which is kind 7.
    private static let rawTags: [[UInt8]] = ["script", "pre", "style"].map { Array($0.utf8) }
    private static let blockTags: Set<[UInt8]> = Set([
        "address", "article", "aside", "base", "basefont", "blockquote", "body", "caption", "center",
        "col", "colgroup", "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5",
        "h6", "head", "header", "hr", "html", "iframe", "legend", "li", "link", "main", "menu",
        "menuitem", "nav", "noframes", "ol", "optgroup", "option", "p", "param", "section", "source",
        "summary", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "track", "ul",
    ].map { Array($0.utf8) })

    /// The block `start..<end` (from the first non-blank byte) opens, if any. Kind 7 cannot
    /// interrupt a paragraph.
    static func opening(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, interruptsParagraph: Bool) -> HTMLBlock? {
        guard start < end, b[start] == Byte.less else { return nil }
        let rest = start + 1
        if hasPrefix(b, rest, end, "!--") { return .rawText(closer: Array("-->".utf8)) }
        if hasPrefix(b, rest, end, "?") { return .rawText(closer: Array("?>".utf8)) }
        if hasPrefix(b, rest, end, "![CDATA[") { return .rawText(closer: Array("]]>".utf8)) }
        // Kind 4: `<!` and an uppercase letter (cmark-gfm 0.29; `<!doctype` is text there).
        if rest + 1 < end, b[rest] == 0x21, b[rest + 1] >= 0x41, b[rest + 1] <= 0x5A { return .rawText(closer: [Byte.greater]) }
        let closing = rest < end && b[rest] == 0x2F
        let nameStart = closing ? rest + 1 : rest
        var nameEnd = nameStart
        while nameEnd < end, Byte.isASCIILetter(b[nameEnd]) || Byte.isDigit(b[nameEnd]) || b[nameEnd] == Byte.dash { nameEnd += 1 }
        guard nameEnd > nameStart, Byte.isASCIILetter(b[nameStart]) else { return nil }
        let name = (nameStart..<nameEnd).map { Byte.lower(b[$0]) }
        let after: UInt8? = nameEnd < end ? b[nameEnd] : nil
        if !closing, rawTags.contains(name), after == nil || Byte.isBlank(after!) || after == Byte.greater {
            return .rawText(closer: Array("</".utf8) + name + [Byte.greater])
        }
        if blockTags.contains(name) {
            if after == nil || Byte.isBlank(after!) || after == Byte.greater { return .untilBlankLine }
            if after == 0x2F && nameEnd + 1 < end && b[nameEnd + 1] == Byte.greater { return .untilBlankLine }
            return nil
        }
        guard !interruptsParagraph, !rawTags.contains(name) else { return nil }
        let tagEnd = closing ? closingTagEnd(b, nameEnd, end) : openTagEnd(b, nameEnd, end)
        guard let tagEnd else { return nil }
        var i = tagEnd
        while i < end && Byte.isBlank(b[i]) { i += 1 }
        return i == end ? .untilBlankLine : nil
    }

    /// Does line `start..<end` end a raw-text block?
    func ends(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard case .rawText(let closer) = self else { return false }
        guard end - start >= closer.count else { return false }
        var i = start
        let last = end - closer.count
        while i <= last {
            var j = 0
            while j < closer.count && Byte.lower(b[i + j]) == closer[j] { j += 1 }
            if j == closer.count { return true }
            i += 1
        }
        return false
    }

    private static func hasPrefix(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard end - start >= count else { return false }
        let p = prefix.utf8Start
        for k in 0..<count where b[start + k] != p[k] { return false }
        return true
    }

    /// `\s* >` after a closing tag's name.
    private static func closingTagEnd(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ end: Int) -> Int? {
        var i = from
        while i < end && Byte.isBlank(b[i]) { i += 1 }
        return i < end && b[i] == Byte.greater ? i + 1 : nil
    }

    /// Attributes, then `/?>`, after an open tag's name.
    private static func openTagEnd(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ end: Int) -> Int? {
        var i = from
        while true {
            let spaceStart = i
            while i < end && Byte.isBlank(b[i]) { i += 1 }
            guard i < end else { return nil }
            if b[i] == Byte.greater { return i + 1 }
            if b[i] == 0x2F { return i + 1 < end && b[i + 1] == Byte.greater ? i + 2 : nil }
            // An attribute needs whitespace before it.
            guard i > spaceStart, isAttributeNameStart(b[i]) else { return nil }
            while i < end && isAttributeNameByte(b[i]) { i += 1 }
            var j = i
            while j < end && Byte.isBlank(b[j]) { j += 1 }
            guard j < end, b[j] == Byte.equals else { continue }
            j += 1
            while j < end && Byte.isBlank(b[j]) { j += 1 }
            guard j < end else { return nil }
            let quote = b[j]
            if quote == 0x22 || quote == 0x27 {
                j += 1
                while j < end && b[j] != quote { j += 1 }
                guard j < end else { return nil }
                i = j + 1
            } else {
                let valueStart = j
                while j < end, !Byte.isBlank(b[j]), ![0x22, 0x27, Byte.equals, Byte.less, Byte.greater, Byte.backtick].contains(b[j]) { j += 1 }
                guard j > valueStart else { return nil }
                i = j
            }
        }
    }

    private static func isAttributeNameStart(_ c: UInt8) -> Bool {
        Byte.isASCIILetter(c) || c == Byte.underscore || c == Byte.colon
    }

    private static func isAttributeNameByte(_ c: UInt8) -> Bool {
        isAttributeNameStart(c) || Byte.isDigit(c) || c == Byte.dot || c == Byte.dash
    }
}
