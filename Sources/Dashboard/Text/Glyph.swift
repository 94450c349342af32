import InertText
import TextWidth

/// One thing drawn in one or two terminal cells: a character with its combining marks, or
/// the visible escape of a character that must never reach the terminal.
public struct Glyph: Equatable, Sendable {
    public var text: String
    /// 1 or 2 columns.
    public var width: Int
    /// A shown escape (`^[`, `<U+202E>`) rather than the text itself.
    public var isEscape: Bool
}

/// Untrusted text — agent names, messages, task cells, log lines — made into glyphs that are
/// safe to draw. Nothing from outside can move the cursor, set the title, clear the screen
/// or reorder text: the rules of `Inert` (the same ones the CLI prints with) show C0 and C1
/// controls, ESC, DEL and the bidirectional controls as visible escapes (`^[`, `<U+202E>`).
/// Width is computed per scalar by the same rules ncurses uses (`TextWidth`).
public enum Glyphs {
    public static func of<S: StringProtocol>(_ text: S) -> [Glyph] {
        var out: [Glyph] = []
        out.reserveCapacity(text.utf8.count)
        for cluster in text {
            append(cluster, to: &out)
        }
        return out
    }

    /// Total columns.
    public static func width(_ glyphs: [Glyph]) -> Int { glyphs.reduce(0) { $0 + $1.width } }

    private static func append(_ cluster: Character, to out: inout [Glyph]) {
        let scalars = Array(cluster.unicodeScalars)
        // Fast path: printable ASCII.
        if scalars.count == 1, let v = scalars.first?.value, v >= 0x20, v < 0x7F {
            out.append(Glyph(text: String(cluster), width: 1, isEscape: false))
            return
        }
        // A ZWJ sequence (👨‍👩‍👧) is as wide as its parts to ncurses but one emoji to most
        // terminals; draw its first emoji so columns agree everywhere.
        if scalars.contains(where: { $0.value == 0x200D }), let first = scalars.first, !Inert.isUnsafe(first) {
            out.append(Glyph(text: String(first), width: max(1, TextWidth.columns(of: first)), isEscape: false))
            return
        }
        var base = ""
        var baseWidth = 0
        for scalar in scalars {
            if scalar.value == 0x09 {
                flush(&base, &baseWidth, into: &out)
                out.append(Glyph(text: " ", width: 1, isEscape: false))
                continue
            }
            if Inert.isUnsafe(scalar) {
                flush(&base, &baseWidth, into: &out)
                for piece in Inert.escape(scalar) { out.append(Glyph(text: String(piece), width: 1, isEscape: true)) }
                continue
            }
            let w = TextWidth.columns(of: scalar)
            if w == 0 {
                // A mark with nothing to sit on is dropped; on a base it rides along.
                if !base.isEmpty { base.unicodeScalars.append(scalar) }
                continue
            }
            flush(&base, &baseWidth, into: &out)
            base.unicodeScalars.append(scalar)
            baseWidth = w
        }
        flush(&base, &baseWidth, into: &out)
    }

    private static func flush(_ base: inout String, _ width: inout Int, into out: inout [Glyph]) {
        guard !base.isEmpty else { return }
        out.append(Glyph(text: base, width: min(2, max(1, width)), isEscape: false))
        base = ""
        width = 0
    }
}
