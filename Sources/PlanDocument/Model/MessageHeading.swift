/// Who a message can be from or to, by name.
public enum MessageParty {
    /// Parties every PLAN.md knows, as headings write them: the six roles and the people and
    /// programs around them. Outside the Messages section only these make a message, and
    /// `factory say` writes only to these.
    public static let known = [
        "Architect", "Builder", "Tester", "Reviewer", "Security", "Docwriter",
        "All", "Orchestrator", "Human", "User", "Team", "Factory",
    ]
    private static let lowercased = Set(known.map { $0.lowercased() })

    /// Case does not matter: `builder`, `Builder` and `BUILDER` are one party.
    public static func isKnown(_ name: String) -> Bool { lowercased.contains(name.lowercased()) }
}

/// A message heading: `Builder → Architect (10:25)`, `Tester -> Builder, Reviewer - 2026-11-24 14:30`.
///
/// Parsed on bytes: a big PLAN.md has a hundred thousand of these.
struct MessageHeading: Equatable {
    var from: String
    var to: [String]
    var time: String

    /// Parses heading text; nil when it is not a message heading. `strict` demands known parties.
    static func parse(_ text: String, strict: Bool) -> MessageHeading? {
        var utf8 = Array(text.utf8)
        return utf8.withUnsafeMutableBufferPointer { b in parse(UnsafeBufferPointer(b), 0..<b.count, strict: strict) }
    }

    static func parse(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, strict: Bool) -> MessageHeading? {
        guard let arrow = firstArrow(b, range) else { return nil }
        let from = partyRange(b, range.lowerBound..<arrow.lowerBound)
        var rest = trim(b, arrow.upperBound..<range.upperBound)
        var time = rest.upperBound..<rest.upperBound
        if rest.count > 1, b[rest.upperBound - 1] == Byte.rparen, let open = lastIndex(of: 0x28, in: b, rest) {
            time = trim(b, (open + 1)..<(rest.upperBound - 1))
            rest = trim(b, rest.lowerBound..<open)
        } else if let dash = lastDash(b, rest) {
            time = trim(b, dash.upperBound..<rest.upperBound)
            rest = trim(b, rest.lowerBound..<dash.lowerBound)
        }
        var to: [Range<Int>] = []
        var start = rest.lowerBound
        for i in rest.lowerBound...rest.upperBound where i == rest.upperBound || b[i] == 0x2C || b[i] == 0x26 {
            to.append(partyRange(b, start..<i))
            start = i + 1
        }
        guard isParty(b, from), to.allSatisfy({ isParty(b, $0) }) else { return nil }
        let string = { (r: Range<Int>) in String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self) }
        let heading = MessageHeading(from: string(from), to: to.map(string), time: string(time))
        if strict {
            guard ([heading.from] + heading.to).allSatisfy({ MessageParty.isKnown($0) }) else { return nil }
        }
        return heading
    }

    /// `→`, `->`, `=>`, `⇒` or `⟶`, whichever comes first.
    private static func firstArrow(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Range<Int>? {
        var i = r.lowerBound
        while i < r.upperBound {
            let c = b[i]
            if (c == Byte.dash || c == Byte.equals), i + 1 < r.upperBound, b[i + 1] == Byte.greater { return i..<(i + 2) }
            if c == 0xE2, i + 2 < r.upperBound {
                let (c1, c2) = (b[i + 1], b[i + 2])
                if (c1 == 0x86 && c2 == 0x92) || (c1 == 0x87 && c2 == 0x92) || (c1 == 0x9F && c2 == 0xB6) { return i..<(i + 3) }
            }
            i += 1
        }
        return nil
    }

    /// The last ` - ` or ` — ` (a time after a dash).
    private static func lastDash(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Range<Int>? {
        var i = r.upperBound - 1
        while i > r.lowerBound {
            if b[i] == Byte.space {
                if i - 2 >= r.lowerBound, b[i - 1] == Byte.dash, b[i - 2] == Byte.space { return (i - 2)..<(i + 1) }
                if i - 4 >= r.lowerBound, b[i - 1] == 0x94, b[i - 2] == 0x80, b[i - 3] == 0xE2, b[i - 4] == Byte.space { return (i - 4)..<(i + 1) }
            }
            i -= 1
        }
        return nil
    }

    private static func lastIndex(of byte: UInt8, in b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Int? {
        var i = r.upperBound - 1
        while i >= r.lowerBound { if b[i] == byte { return i }; i -= 1 }
        return nil
    }

    private static func trim(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Range<Int> {
        var s = r.lowerBound, e = r.upperBound
        while s < e && Byte.isBlank(b[s]) { s += 1 }
        while e > s && Byte.isBlank(b[e - 1]) { e -= 1 }
        return s..<e
    }

    /// A name with `**bold**`, `_em_` or `` `code` `` markup around it taken off.
    private static func partyRange(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Range<Int> {
        var t = trim(b, r)
        while t.count >= 2, [Byte.star, Byte.underscore, Byte.backtick, Byte.tilde].contains(b[t.lowerBound]), b[t.upperBound - 1] == b[t.lowerBound] {
            t = trim(b, (t.lowerBound + 1)..<(t.upperBound - 1))
        }
        return t
    }

    /// A name: up to three words of letters, digits, `-`, `_`, `.`, `@` (any non-ASCII
    /// letter allowed), at most 40 bytes.
    private static func isParty(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Bool {
        guard !r.isEmpty, r.count <= 40 else { return false }
        var spaces = 0
        for i in r {
            let c = b[i]
            if c == Byte.space { if b[i - 1] != Byte.space { spaces += 1 }; continue }
            if c >= 0x80 || Byte.isASCIILetter(c) || Byte.isDigit(c) || c == Byte.dash || c == Byte.underscore || c == Byte.dot || c == 0x40 { continue }
            return false
        }
        return spaces <= 2
    }
}
