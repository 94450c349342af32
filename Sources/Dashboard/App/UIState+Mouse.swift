import FactoryEngine

extension UIState {
    /// The pane drawn at a cell of the screen.
    public func pane(atX x: Int, y: Int, in layout: Layout) -> PaneID? {
        func inside(_ r: Rect) -> Bool { !r.isEmpty && x >= r.x && x < r.maxX && y >= r.y && y < r.maxY }
        if inside(layout.agents) { return .agents }
        if inside(layout.tasks) { return detailOpen ? .detail : .tasks }
        if inside(layout.messages) { return .messages }
        return nil
    }

    /// A left press: the pane under it takes the focus, and the agent or task on the row
    /// under it is selected.
    public mutating func press(x: Int, y: Int, in layout: Layout, _ snap: Snapshot) {
        guard let pane = pane(atX: x, y: y, in: layout) else { return }
        focus = pane
        switch pane {
        case .agents:
            let inner = layout.agents.inner
            let row = y - inner.y
            if y < inner.maxY, snap.agents.indices.contains(row) { selectedAgent = row }
        case .tasks:
            let inner = layout.tasks.inner
            let rows = TasksPane.rows(snap.plan)
            let row = TasksPane.firstRow(rows, selected: selectedTask, height: inner.height) + y - inner.y
            if y >= inner.y, y < inner.maxY, rows.indices.contains(row), case .task(let task) = rows[row] { selectedTask = task }
        case .detail, .messages: break
        }
    }
}
