/// How many colours the terminal can show; themes are written for 24-bit colour and come
/// down to what is there.
public enum ColorDepth: Sendable {
    /// No colour at all (a monochrome terminal, or the user asked for none): attributes only.
    case none
    case eight
    case sixteen
    /// The xterm 256-colour palette.
    case full

    /// The depth for curses' `COLORS` (256 and more all draw from the 256-colour palette).
    public init(colorCount: Int) {
        switch colorCount {
        case 256...: self = .full
        case 16...: self = .sixteen
        case 8...: self = .eight
        default: self = .none
        }
    }
}

/// The palette entry that shows `color` at `depth`, or nil for the terminal's default.
/// An rgb colour becomes the nearest entry by distance in RGB: at `full` among the 6×6×6
/// cube and the 24 greys (16–255; not 0–15, whose values the user may have changed), at
/// `sixteen` among the 16 ANSI colours, at `eight` among the first 8. An indexed colour the
/// depth lacks goes the same way, except that bright 8–15 fall to their 0–7 counterparts at
/// `eight` (the terminal's own red rather than whatever is nearest to xterm's). An index
/// outside 0…255 is treated as the default.
public func paletteIndex(_ color: ThemeColor, depth: ColorDepth) -> Int? {
    switch (color, depth) {
    case (.terminalDefault, _), (_, .none):
        return nil
    case let (.indexed(index), _) where !(0...255).contains(index):
        return nil
    case let (.indexed(index), .full):
        return index
    case let (.indexed(index), .sixteen) where index < 16:
        return index
    case let (.indexed(index), .eight) where index < 16:
        return index % 8
    case let (.indexed(index), _):
        return XtermPalette.nearest(to: XtermPalette.rgb(of: index), depth: depth)
    case let (.rgb(r, g, b), _):
        return XtermPalette.nearest(to: XtermPalette.RGB(r, g, b), depth: depth)
    }
}

/// `style` as the terminal at `depth` can show it: each colour becomes `.indexed` of its
/// palette entry or `.terminalDefault`, attributes unchanged (at `.none` they are all that
/// is left). When both colours land on the same entry though the theme gave two different
/// ones, the text would vanish into its background; the foreground then goes to the
/// terminal's default, which the user has made readable on most backgrounds.
///
/// Keeping a role visible when it loses its colours depends on the role, so that rule is in
/// `Theme.style(_:depth:)`, not here.
public func degraded(_ style: ThemeStyle, depth: ColorDepth) -> ThemeStyle {
    var out = style
    out.fg = paletteIndex(style.fg, depth: depth).map(ThemeColor.indexed) ?? .terminalDefault
    out.bg = paletteIndex(style.bg, depth: depth).map(ThemeColor.indexed) ?? .terminalDefault
    if out.fg != .terminalDefault, out.fg == out.bg, style.fg != style.bg {
        out.fg = .terminalDefault
    }
    return out
}
