/// The mouse: a press focuses the pane under it and selects the row there; the wheel
/// scrolls the pane under it (the reader, while it is open).
extension DashboardApp {
    func take(mouse event: MouseEvent) {
        if state.showHelp { return state.showHelp = false }
        let rows = event.kind == .wheelUp ? -3 : 3
        if state.reader != nil {
            if event.kind != .press { for _ in 0..<abs(rows) { _ = readerTakes(rows < 0 ? .up : .down) } }
            return
        }
        let (w, h) = screenSize
        let layout = Layout.make(width: w, height: h, focus: state.focus)
        let agent = selectedRole
        switch event.kind {
        case .press:
            state.press(x: event.x, y: event.y, in: layout, snapshot)
        case .wheelUp, .wheelDown:
            guard let pane = state.pane(atX: event.x, y: event.y, in: layout) else { return }
            state.focus = pane
            // Lists move their selection a row a turn; logs scroll three.
            move(pane == .agents || pane == .tasks ? rows.signum() : rows)
        }
        if selectedRole != agent { updateDetailFeed() }
    }
}
