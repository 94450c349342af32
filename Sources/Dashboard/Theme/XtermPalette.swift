/// xterm's default 256-colour palette: what the indexes mean when we need to compare them.
enum XtermPalette {
    /// A colour as three channels wide enough to subtract.
    struct RGB: Equatable {
        var r, g, b: Int
        init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { (self.r, self.g, self.b) = (Int(r), Int(g), Int(b)) }
        init(_ r: Int, _ g: Int, _ b: Int) { (self.r, self.g, self.b) = (r, g, b) }

        /// Squared Euclidean distance: enough to rank candidates, no square root needed.
        func distance(to other: RGB) -> Int {
            let (dr, dg, db) = (r - other.r, g - other.g, b - other.b)
            return dr * dr + dg * dg + db * db
        }
    }

    /// xterm's values for the 16 ANSI colours (other terminals differ a little; xterm's are
    /// the reference most tools map to).
    static let ansi: [RGB] = [
        RGB(0, 0, 0), RGB(205, 0, 0), RGB(0, 205, 0), RGB(205, 205, 0),
        RGB(0, 0, 238), RGB(205, 0, 205), RGB(0, 205, 205), RGB(229, 229, 229),
        RGB(127, 127, 127), RGB(255, 0, 0), RGB(0, 255, 0), RGB(255, 255, 0),
        RGB(92, 92, 255), RGB(255, 0, 255), RGB(0, 255, 255), RGB(255, 255, 255),
    ]

    /// The six channel levels of the 6×6×6 cube (16–231): not evenly spaced, which is why
    /// rounding each channel to `value / 51` picks wrong entries.
    static let cubeLevels = [0, 95, 135, 175, 215, 255]

    static func rgb(of index: Int) -> RGB {
        switch index {
        case ..<16:
            return ansi[max(index, 0)]
        case 16..<232:
            let cube = index - 16
            return RGB(cubeLevels[cube / 36], cubeLevels[cube / 6 % 6], cubeLevels[cube % 6])
        default:
            let level = 8 + 10 * (min(index, 255) - 232)
            return RGB(level, level, level)
        }
    }

    /// The candidates for a depth; `.none` has none (callers return nil before asking).
    static func candidates(_ depth: ColorDepth) -> Range<Int> {
        switch depth {
        case .none: 0..<0
        case .eight: 0..<8
        case .sixteen: 0..<16
        case .full: 16..<256
        }
    }

    /// The nearest candidate by distance, checking all of them (240 at most): exact, and
    /// cheap because styles are resolved once per theme, not per frame. Ties go to the lower
    /// index so results never depend on iteration order.
    static func nearest(to color: RGB, depth: ColorDepth) -> Int? {
        var best: (index: Int, distance: Int)?
        for index in candidates(depth) {
            let distance = rgb(of: index).distance(to: color)
            if best.map({ distance < $0.distance }) ?? true { best = (index, distance) }
        }
        return best?.index
    }
}
