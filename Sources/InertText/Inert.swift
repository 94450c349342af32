/// Text from outside — PLAN.md, agent output, command-line arguments — made safe to show on
/// a terminal. Nothing in it may move the cursor, set the title, clear the screen or reorder
/// what follows: C0 and C1 controls, ESC and DEL are shown as visible escapes (`^[`, `^?`,
/// `<U+0085>`), and so are the bidirectional overrides, isolates and marks. The dashboard
/// draws with these rules and the CLI prints with them: one set of rules for every screen.
public enum Inert {
    /// Characters that act on the terminal or on text direction.
    public static func isUnsafe(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F: return true              // C0, DEL, C1 (ESC is 0x1B)
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true  // bidi
        case 0xFFF9...0xFFFB: return true                       // interlinear annotations
        default: return false
        }
    }

    /// `^[` for C0 controls, `^?` for DEL, `<U+0085>` for C1 and direction marks.
    public static func escape(_ s: Unicode.Scalar) -> String {
        switch s.value {
        case 0x00...0x1F: return "^" + String(UnicodeScalar(UInt8(s.value + 0x40)))
        case 0x7F: return "^?"
        default: return "<U+" + hex4(s.value, uppercase: true) + ">"
        }
    }

    /// `text` with every unsafe character shown as its escape. A tab becomes a space (its
    /// width would depend on the column). With `keepingLineBreaks`, LF stays a line break,
    /// for output of several lines; a CR never does (it would let text overwrite its line).
    public static func text<S: StringProtocol>(_ text: S, keepingLineBreaks: Bool = false) -> String {
        // Most output is clean: return it as it is.
        guard text.unicodeScalars.contains(where: { isUnsafe($0) && !(keepingLineBreaks && $0 == "\n") }) else { return String(text) }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\t" {
                out.append(" ")
            } else if isUnsafe(scalar), !(keepingLineBreaks && scalar == "\n") {
                out.append(contentsOf: escape(scalar).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Four hex digits (every unsafe character is in the Basic Multilingual Plane).
    static func hex4(_ value: UInt32, uppercase: Bool) -> String {
        let hex = String(value, radix: 16, uppercase: uppercase)
        return String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
