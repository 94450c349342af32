import TextWidth

/// `?`: every key, drawn over the panes.
enum HelpOverlay {
    static func draw(_ keymap: Keymap, in screen: Rect, on canvas: inout Canvas) {
        let lines = keymap.helpLines
        // As wide as its longest line, where the screen has room (56 at least, as before).
        let longest = lines.map { TextWidth.columns(of: $0) }.max() ?? 0
        let width = min(screen.width - 2, max(56, longest + 3)), height = min(screen.height - 2, lines.count + 2)
        let rect = Rect(x: screen.x + (screen.width - width) / 2, y: screen.y + (screen.height - height) / 2, width: width, height: height)
        canvas.fill(rect, role: .help)
        canvas.box(rect, title: "keys (? or Esc to close)", role: .borderFocused, titleRole: .title)
        for (i, line) in lines.prefix(rect.inner.height).enumerated() {
            canvas.text(line, x: rect.inner.x + 1, y: rect.inner.y + i, limit: rect.inner.maxX, role: .help)
        }
    }
}
