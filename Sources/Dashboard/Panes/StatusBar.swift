import FactoryEngine

/// Key hints, the attention count, and one line of feedback; or the open prompt.
enum StatusBar {
    static func draw(_ snap: Snapshot, _ ui: UIState, in rect: Rect, on canvas: inout Canvas) {
        canvas.fill(rect, role: .statusBar)
        if let prompt = ui.prompt {
            let x = canvas.text(prompt.label, x: rect.x, y: rect.y, limit: rect.maxX, role: .attention)
            canvas.text(prompt.text + "▏", x: x, y: rect.y, limit: rect.maxX, role: .statusBar)
            return
        }
        var x = rect.x
        if !snap.attention.isEmpty {
            x = canvas.text(" ⚑ \(snap.attention.count) ", x: x, y: rect.y, limit: rect.maxX, role: .attention)
            x = canvas.text(snap.attention[0].message + " ", x: x, y: rect.y, limit: min(rect.maxX, x + rect.width / 2), role: .attention)
        }
        if let notice = ui.notice {
            x = canvas.text(" \(notice) ", x: x, y: rect.y, limit: rect.maxX, role: .keyHint)
        }
        let hints = " a approve · r reject · m message · s/x/R agent · Tab focus · / search · f follow · t theme · ? help · q quit"
        canvas.text(hints, x: x, y: rect.y, limit: rect.maxX, role: .keyHint)
    }
}
