import FactoryEngine
import TextWidth

/// Key hints, the attention count, and one line of feedback; or the open prompt.
enum StatusBar {
    /// While an agent asks, the keys that read its request whole and answer it follow the
    /// attention item at once: a notice or a narrow screen never pushes them out.
    static func draw(_ snap: Snapshot, _ ui: UIState, keymap: Keymap, in rect: Rect, on canvas: inout Canvas) {
        canvas.fill(rect, role: .statusBar)
        if let prompt = ui.prompt { return drawPrompt(prompt, in: rect, on: &canvas) }
        var x = rect.x
        let (answer, rest) = KeyHints.parts(snap, ui, keymap: keymap)
        if !snap.attention.isEmpty {
            x = canvas.text(" ⚑ \(snap.attention.count) ", x: x, y: rect.y, limit: rect.maxX, role: .attention)
            x = canvas.text(snap.attention[0].message + " ", x: x, y: rect.y, limit: min(rect.maxX, x + rect.width / 2), role: .attention)
        }
        if !answer.isEmpty {
            x = canvas.text(" " + answer.joined(separator: " · ") + " ", x: x, y: rect.y, limit: rect.maxX, role: .keyHint)
        }
        if let notice = ui.notice {
            x = canvas.text(" \(notice) ", x: x, y: rect.y, limit: rect.maxX, role: .keyHint)
        }
        canvas.text(" " + rest.joined(separator: " · "), x: x, y: rect.y, limit: rect.maxX, role: .keyHint)
    }

    /// The prompt: its label, the end of its text (where the cursor is) and, after a failed
    /// submit, why it was not sent.
    static func drawPrompt(_ prompt: Prompt, in rect: Rect, on canvas: inout Canvas) {
        // A label (an agent's question with its choices) leaves a third of the line for the text.
        let x = canvas.text(prompt.label, x: rect.x, y: rect.y, limit: rect.x + max(1, rect.width * 2 / 3), role: .attention)
        let status = prompt.error.map { "  not sent: \($0) (Enter retries, Esc discards)" } ?? ""
        // The reason gets the room it needs, short of squeezing the text below a third.
        let room = rect.maxX - x
        let textRoom = max(room / 3, room - TextWidth.columns(of: status))
        let end = canvas.drawFitted(tail(Glyphs.of(prompt.shownText + "▏"), fitting: textRoom), x: x, y: rect.y, limit: x + textRoom, role: .statusBar)
        canvas.text(status, x: end, y: rect.y, limit: rect.maxX, role: .attention)
    }

    /// The last glyphs that fit in `columns`, after a `…` when some were dropped.
    static func tail(_ glyphs: [Glyph], fitting columns: Int) -> [Glyph] {
        guard Glyphs.width(glyphs) > columns, columns > 0 else { return glyphs }
        var kept: [Glyph] = []
        var used = 1
        for g in glyphs.reversed() {
            if used + g.width > columns { break }
            kept.append(g)
            used += g.width
        }
        return [Glyph(text: "…", width: 1, isEscape: false)] + kept.reversed()
    }
}
