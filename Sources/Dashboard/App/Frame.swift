import FactoryEngine

/// One frame: the snapshot and the UI state drawn into a canvas of the terminal's size.
/// Pure — it is what the render tests check, with no terminal at all.
public enum Frame {
    public static func render(_ snap: Snapshot, _ ui: UIState, detail: AgentDetail? = nil, plan: PlanReading? = nil,
                              diff: AgentDiff? = nil, keymap: Keymap, width: Int, height: Int) -> Canvas {
        render(snap, ui, detail: detail, plan: plan, diff: diff, request: nil, keymap: keymap, width: width, height: height)
    }

    /// `request`: the request view's layout, kept by the app from frame to frame (nil: made here).
    static func render(_ snap: Snapshot, _ ui: UIState, detail: AgentDetail? = nil, plan: PlanReading? = nil,
                       diff: AgentDiff? = nil, request: RequestLayout?, keymap: Keymap, width: Int, height: Int) -> Canvas {
        var canvas = Canvas(width: width, height: height)
        let layout = Layout.make(width: width, height: height, focus: ui.focus)
        switch layout.mode {
        case .tooSmall:
            let lines = ["terminal too small", "\(width)×\(height); needs \(Layout.minimumSingle.width)×\(Layout.minimumSingle.height)"]
            for (i, line) in lines.enumerated() where height > 0 {
                let y = max(0, height / 2 - 1 + i)
                let w = Glyphs.width(Glyphs.of(line))
                canvas.text(line, x: max(0, (width - w) / 2), y: min(height - 1, y), limit: width, role: .attention)
            }
            return canvas
        case .single, .full:
            PipelinePane.draw(snap, keymap: keymap, in: layout.pipeline, on: &canvas)
            if let view = ui.view {
                switch view {
                case .plan: PlanPane.draw(plan, snap, top: ui.viewTop, in: layout.body, on: &canvas)
                case .diff(let role): DiffPane.draw(diff, role: role, top: ui.viewTop, in: layout.body, on: &canvas)
                case .request(let role): RequestPane.draw(snap, role: role, top: ui.viewTop, layout: request, keymap: keymap, in: layout.body, on: &canvas)
                }
                StatusBar.draw(snap, ui, keymap: keymap, in: layout.statusBar, on: &canvas)
                if ui.showHelp { HelpOverlay.draw(keymap, in: Rect(x: 0, y: 0, width: width, height: height), on: &canvas) }
                return canvas
            }
            if !layout.agents.isEmpty { AgentsPane.draw(snap, ui, focused: ui.focus == .agents, in: layout.agents, on: &canvas) }
            if !layout.tasks.isEmpty {
                if ui.detailOpen, snap.agents.indices.contains(ui.selectedAgent) {
                    DetailPane.draw(detail, agent: snap.agents[ui.selectedAgent], scroll: ui.detailScroll, focused: ui.focus == .detail,
                                    readKey: keymap.label(of: .request),
                                    in: layout.tasks, on: &canvas)
                } else {
                    TasksPane.draw(snap, ui, focused: ui.focus == .tasks, in: layout.tasks, on: &canvas)
                }
            }
            if !layout.messages.isEmpty { MessagesPane.draw(snap, ui, focused: ui.focus == .messages, in: layout.messages, on: &canvas) }
            if let reader = ui.reader {
                ReaderPane.draw(snap, reader, search: MessagesPane.activeSearch(ui), in: ReaderPane.rect(width: width, height: height), on: &canvas)
            }
            StatusBar.draw(snap, ui, keymap: keymap, in: layout.statusBar, on: &canvas)
            if ui.showHelp { HelpOverlay.draw(keymap, in: Rect(x: 0, y: 0, width: width, height: height), on: &canvas) }
        }
        return canvas
    }
}
