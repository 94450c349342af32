import FactoryEngine
import PlanDocument

/// The task tables of PLAN.md: status, agent, priority, dependencies; blocked and failed
/// tasks stand out. With several tables (one per phase, say) each starts under its section.
enum TasksPane {
    /// A row of the pane: a table's section title, or a task (by index).
    enum Row: Equatable {
        case section(String)
        case task(Int)
    }

    static func rows(_ plan: PlanView) -> [Row] {
        let grouped = Set(plan.tasks.map(\.table)).count > 1
        var rows: [Row] = []
        var table = -1
        for (i, task) in plan.tasks.enumerated() {
            if grouped && task.table != table, plan.taskTables.indices.contains(task.table) {
                let section = plan.taskTables[task.table].section
                rows.append(.section(section.isEmpty ? "table on line \(plan.taskTables[task.table].line)" : section))
            }
            table = task.table
            rows.append(.task(i))
        }
        return rows
    }

    static func draw(_ snap: Snapshot, _ ui: UIState, focused: Bool, in rect: Rect, on canvas: inout Canvas) {
        let tasks = snap.plan.tasks
        canvas.box(rect, title: "tasks \(snap.tasks.done)/\(snap.tasks.total)", role: focused ? .borderFocused : .border, titleRole: .title)
        let inner = rect.inner
        guard !inner.isEmpty else { return }
        if tasks.isEmpty {
            canvas.text("no tasks yet", x: inner.x, y: inner.y, limit: inner.maxX, role: .dim)
            return
        }
        let all = rows(snap.plan)
        // Keep the selected task in view.
        let first = firstRow(all, selected: ui.selectedTask, height: inner.height)
        for (offset, row) in all.dropFirst(first).prefix(inner.height).enumerated() {
            let y = inner.y + offset
            switch row {
            case .section(let title):
                canvas.text(title, x: inner.x, y: y, limit: inner.maxX, role: .title)
            case .task(let index):
                drawTask(tasks[index], selected: focused && index == ui.selectedTask, y: y, inner: inner, on: &canvas)
            }
        }
    }

    /// The first row shown: as far on as keeps the selected task in view.
    static func firstRow(_ all: [Row], selected: Int, height: Int) -> Int {
        let selectedRow = all.firstIndex(of: .task(selected)) ?? 0
        return max(0, min(selectedRow - height + 1, all.count - height))
    }

    private static func drawTask(_ task: PlanTask, selected: Bool, y: Int, inner: Rect, on canvas: inout Canvas) {
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
