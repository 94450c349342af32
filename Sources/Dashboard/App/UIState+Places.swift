import FactoryEngine
import PlanDocument

extension UIState {
    /// Selection and scroll stay on what they show when a new snapshot comes: the selected
    /// agent by its role, the selected task by its ID, the messages pane and the reader by
    /// their message (whose PLAN.md line moves when lines are added above it).
    public mutating func keepPlaces(from old: Snapshot, to new: Snapshot) {
        if old.agents.indices.contains(selectedAgent), let i = new.agents.firstIndex(where: { $0.role == old.agents[selectedAgent].role }) {
            selectedAgent = i
        }
        if old.plan.tasks.indices.contains(selectedTask), let i = new.plan.tasks.firstIndex(where: { $0.id == old.plan.tasks[selectedTask].id }) {
            selectedTask = i
        }
        if let line = messageScroll.top?.line { messageScroll.top?.line = Self.line(of: line, from: old.plan.messages, to: new.plan.messages) }
        if messageScroll.shownThrough != Int.max {
            messageScroll.shownThrough = Self.line(of: messageScroll.shownThrough, from: old.plan.messages, to: new.plan.messages)
        }
        if let line = reader?.line { reader?.line = Self.line(of: line, from: old.plan.messages, to: new.plan.messages) }
    }

    /// Where the message at `line` in `old` is in `new`: messages are appended, so the same
    /// message keeps its place in the list even when its line moves.
    static func line(of line: Int, from old: [PlanMessage], to new: [PlanMessage]) -> Int {
        var low = 0, high = old.count
        while low < high {
            let mid = (low + high) / 2
            if old[mid].line < line { low = mid + 1 } else { high = mid }
        }
        let i = low
        guard old.indices.contains(i), old[i].line == line, new.indices.contains(i),
              new[i].from == old[i].from, new[i].body == old[i].body else { return line }
        return new[i].line
    }
}
