import FactoryEngine
import PlanDocument

/// The task tables of PLAN.md: status, agent, priority, dependencies; blocked and failed
/// tasks stand out.
enum TasksPane {
    static func draw(_ snap: Snapshot, _ ui: UIState, focused: Bool, in rect: Rect, on canvas: inout Canvas) {
        let tasks = snap.plan.tasks
        canvas.box(rect, title: "tasks \(snap.tasks.done)/\(snap.tasks.total)", role: focused ? .borderFocused : .border, titleRole: .title)
        let inner = rect.inner
        guard !inner.isEmpty else { return }
        if tasks.isEmpty {
            canvas.text("no tasks yet", x: inner.x, y: inner.y, limit: inner.maxX, role: .dim)
            return
        }
        // Keep the selected task in view.
        let first = max(0, min(ui.selectedTask - inner.height + 1, tasks.count - inner.height))
        for (row, task) in tasks.dropFirst(first).prefix(inner.height).enumerated() {
            let index = first + row
            let y = inner.y + row
            let selected = focused && index == ui.selectedTask
            if selected { canvas.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), role: .selection) }
            let base: ThemeRole = selected ? .selection : .text
            var x = canvas.text(AgentsPane.pad(task.id, 6), x: inner.x, y: y, limit: inner.maxX, role: base)
            x = canvas.text(AgentsPane.pad(task.status.rawValue, 8), x: x, y: y, limit: inner.maxX, role: selected ? .selection : role(task.status))
            x = canvas.text(AgentsPane.pad(task.agent, 10), x: x, y: y, limit: inner.maxX, role: base)
            x = canvas.text(AgentsPane.pad(task.priority, 3), x: x, y: y, limit: inner.maxX, role: base)
            let deps = task.dependsOn.isEmpty ? "" : "  ← " + task.dependsOn.joined(separator: ",")
            let emphasis: ThemeRole = task.status == .blocked || task.status == .failed ? role(task.status) : base
            canvas.text(task.description + deps, x: x, y: y, limit: inner.maxX, role: selected ? .selection : emphasis)
        }
    }

    static func role(_ status: TaskStatus) -> ThemeRole {
        switch status {
        case .done: return .taskDone
        case .wip: return .taskWIP
        case .pending: return .taskPending
        case .blocked: return .taskBlocked
        case .failed: return .taskFailed
        case .unknown: return .taskUnknown
        }
    }
}
