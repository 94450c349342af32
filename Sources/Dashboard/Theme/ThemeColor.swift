/// A colour as a theme file writes it. Which palette entry it becomes depends on the
/// terminal (`paletteIndex(_:depth:)`).
public enum ThemeColor: Equatable, Sendable {
    /// The terminal's own foreground or background (curses colour -1).
    case terminalDefault
    /// An entry of the terminal's palette, 0…255; 0–15 are the ANSI colours the user may
    /// have redefined, which is why a theme may prefer them.
    case indexed(Int)
    case rgb(UInt8, UInt8, UInt8)
}

extension ThemeColor {
    /// The 16 ANSI names in palette order. `gray`/`grey` are bright_black, the name most
    /// terminals' settings give it.
    static let names: [String: Int] = {
        let base = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]
        var names: [String: Int] = ["gray": 8, "grey": 8]
        for (index, name) in base.enumerated() {
            names[name] = index
            names["bright_" + name] = index + 8
        }
        return names
    }()

    /// Parses `default` or empty, an ANSI name, `#RRGGBB`, `#RGB`, or an integer 0–255
    /// (case-insensitive); nil when `text` is none of these.
    public init?(parsing text: some StringProtocol) {
        let word = text.lowercased()
        if word.isEmpty || word == "default" {
            self = .terminalDefault
        } else if let index = Self.names[word] {
            self = .indexed(index)
        } else if word.hasPrefix("#") {
            guard let color = Self.hex(word.dropFirst()) else { return nil }
            self = color
        } else if (1...3).contains(word.count), word.allSatisfy(\.isASCIIDigit), let index = Int(word), index <= 255 {
            // Digits only: Int("+7") would parse, and a theme should not.
            self = .indexed(index)
        } else {
            return nil
        }
    }

    /// `RRGGBB` or `RGB` (each digit doubled, as in CSS).
    private static func hex(_ digits: Substring) -> ThemeColor? {
        guard digits.allSatisfy(\.isHexDigit) else { return nil }
        let pairs: [String]
        switch digits.count {
        case 6: pairs = stride(from: 0, to: 6, by: 2).map { offset in
            let start = digits.index(digits.startIndex, offsetBy: offset)
            return String(digits[start..<digits.index(start, offsetBy: 2)])
        }
        case 3: pairs = digits.map { String([$0, $0]) }
        default: return nil
        }
        let values = pairs.compactMap { UInt8($0, radix: 16) }
        guard values.count == 3 else { return nil }
        return .rgb(values[0], values[1], values[2])
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
