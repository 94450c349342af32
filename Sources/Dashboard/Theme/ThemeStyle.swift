/// How one role looks: two colours and the attributes curses can draw.
public struct ThemeStyle: Equatable, Sendable {
    public var fg: ThemeColor
    public var bg: ThemeColor
    public var bold: Bool
    public var dim: Bool
    public var reverse: Bool
    public var underline: Bool
    public var italic: Bool

    public init(
        fg: ThemeColor = .terminalDefault, bg: ThemeColor = .terminalDefault,
        bold: Bool = false, dim: Bool = false, reverse: Bool = false,
        underline: Bool = false, italic: Bool = false
    ) {
        self.fg = fg
        self.bg = bg
        self.bold = bold
        self.dim = dim
        self.reverse = reverse
        self.underline = underline
        self.italic = italic
    }

    /// The terminal's own colours, no attributes.
    public static let plain = ThemeStyle()

    public var hasAttributes: Bool { bold || dim || reverse || underline || italic }

    /// Looks like unstyled text: nothing sets it apart.
    public var isPlain: Bool { self == .plain }
}

extension ThemeStyle {
    /// The attribute words of a theme file, in the order the file format lists them.
    static let attributeNames = ["bold", "dim", "reverse", "underline", "italic"]

    static func attribute(named name: String) -> WritableKeyPath<ThemeStyle, Bool>? {
        switch name {
        case "bold": \.bold
        case "dim": \.dim
        case "reverse": \.reverse
        case "underline": \.underline
        case "italic": \.italic
        default: nil
        }
    }
}
