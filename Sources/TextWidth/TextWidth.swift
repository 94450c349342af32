import CLibc
#if canImport(Glibc)
import Glibc
#endif

/// Display width of text in terminal columns.
///
/// One function serves layout, padding and truncation everywhere, and it follows the C
/// library's `wcwidth` — the rules ncurses itself uses — so what we measure is what the
/// terminal draws. The width is the sum over scalars of `max(0, wcwidth)`.
public enum TextWidth {
    /// Columns one scalar takes: 0 for combining marks, joiners and controls, 2 for wide ones.
    public static func columns(of scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value >= 0x20 && value < 0x7F { return 1 }
        if value < 0x20 || value == 0x7F { return 0 }
        return max(0, utf8Width(value))
    }

    /// Columns a whole string takes.
    public static func columns<S: StringProtocol>(of text: S) -> Int {
        var total = 0
        for scalar in text.unicodeScalars { total += columns(of: scalar) }
        return total
    }

    /// `wcwidth` evaluated in a UTF-8 locale whatever the process locale is, because in
    /// the C locale every non-ASCII scalar has no width at all.
    private static func utf8Width(_ value: UInt32) -> Int {
        guard let locale = UTF8Locale.shared.handle else { return fallbackWidth(value) }
        let previous = uselocale(locale)
        defer { uselocale(previous) }
        return Int(wcwidth(wchar_t(bitPattern: value)))
    }

    /// Used only where no UTF-8 locale exists on the machine: wide East Asian ranges and
    /// emoji are 2, marks and format characters 0.
    static func fallbackWidth(_ value: UInt32) -> Int {
        guard let scalar = Unicode.Scalar(value) else { return 0 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control: return 0
        default: break
        }
        if scalar.properties.isEmojiPresentation { return 2 }
        switch value {
        case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF,
             0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }
}

/// A C locale handle for UTF-8 character classification, made once.
private final class UTF8Locale: @unchecked Sendable {
    static let shared = UTF8Locale()
    // Written once in init and only read after: safe to share.
    let handle: locale_t?

    private init() {
        var found: locale_t? = nil
        for name in ["C.UTF-8", "C.utf8", "en_US.UTF-8", "en_US.utf8"] {
            if let made = newlocale(LC_CTYPE_MASK, name, nil) {
                found = made
                break
            }
        }
        handle = found
    }
}
