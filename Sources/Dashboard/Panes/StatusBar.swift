import FactoryEngine
import TextWidth

/// Key hints, the attention count, and one line of feedback; or the open prompt.
enum StatusBar {
    static func draw(_ snap: Snapshot, _ ui: UIState, in rect: Rect, on canvas: inout Canvas) {
        canvas.fill(rect, role: .statusBar)
        if let prompt = ui.prompt { return drawPrompt(prompt, in: rect, on: &canvas) }
        var x = rect.x
        if !snap.attention.isEmpty {
            x = canvas.text(" ⚑ \(snap.attention.count) ", x: x, y: rect.y, limit: rect.maxX, role: .attention)
            x = canvas.text(snap.attention[0].message + " ", x: x, y: rect.y, limit: min(rect.maxX, x + rect.width / 2), role: .attention)
        }
        if let notice = ui.notice {
            x = canvas.text(" \(notice) ", x: x, y: rect.y, limit: rect.maxX, role: .keyHint)
        }
        canvas.text(hints(snap, ui), x: x, y: rect.y, limit: rect.maxX, role: .keyHint)
    }

    /// What the keys do where the user is.
    static func hints(_ snap: Snapshot, _ ui: UIState) -> String {
        if ui.reader != nil { return " ↑↓ PgUp PgDn scroll · g top · G end · Esc close · ? help · q quit" }
        if ui.focus == .detail { return " ↑↓ PgUp PgDn scroll · g top · G follow · f hold · Enter close · Tab focus · ? help · q quit" }
        let asking = snap.agents.contains { $0.request != nil }
        if ui.focus == .messages, MessagesPane.activeSearch(ui) != nil {
            return " n/N next/previous match\(asking ? " (y/A answer; n denies from another pane)" : "") · Esc clear · Enter read · / search · F role · f follow · Tab focus · ? help"
        }
        let answer = asking ? " y/A/n answer ·" : ""
        if ui.focus == .messages {
            return "\(answer) ↑↓ PgUp PgDn scroll · Enter read · / search · F role · f follow · Tab focus · ? help · q quit"
        }
        return "\(answer) a approve · r reject · m message · s/x/R agent · Tab focus · / search · f follow · t theme · ? help · q quit"
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
