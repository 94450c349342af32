/// The columns of a task table that `factory` understands, found by header name.
public enum TaskColumn: String, Sendable, CaseIterable {
    case id, agent, status, priority, description, dependsOn

    /// The column a header names, case-insensitively, markup ignored.
    static func named(_ header: String) -> TaskColumn? {
        let name = strippingEmphasis(header).lowercased()
            .split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
        return aliases[name]
    }

    private static let aliases: [String: TaskColumn] = {
        var map: [String: TaskColumn] = [:]
        for n in ["id", "task", "task id", "#", "key"] { map[n] = .id }
        for n in ["agent", "owner", "assignee", "role", "assigned to"] { map[n] = .agent }
        for n in ["status", "state"] { map[n] = .status }
        for n in ["priority", "prio", "pri"] { map[n] = .priority }
        for n in ["description", "desc", "summary", "title", "details"] { map[n] = .description }
        for n in ["depends on", "depends", "deps", "dependencies", "dependency", "blocked by"] { map[n] = .dependsOn }
        return map
    }()
}

/// Where each understood column sits in one table's header.
struct ColumnMap: Sendable, Equatable {
    var index: [TaskColumn: Int] = [:]
    var count = 0

    /// Nil unless the header makes this a task table (an ID column and a Status column).
    init?(taskHeader names: [String]) {
        count = names.count
        for (i, name) in names.enumerated() {
            guard let column = TaskColumn.named(name) else { continue }
            if index[column] == nil { index[column] = i }
        }
        // With both an ID and a Task column, "Task" describes the task.
        if let taskColumn = names.firstIndex(where: { strippingEmphasis($0).lowercased() == "task" }),
           index[.id] != taskColumn, index[.description] == nil {
            index[.description] = taskColumn
        }
        guard index[.id] != nil, index[.status] != nil else { return nil }
    }
}

/// A change-log table's columns: Date, Change, By.
struct ChangeLogColumns: Sendable, Equatable {
    var date: Int
    var change: Int
    var by: Int?
    var count: Int

    init?(header names: [String]) {
        let lowered = names.map { strippingEmphasis($0).lowercased() }
        guard let date = lowered.firstIndex(of: "date"),
              let change = lowered.firstIndex(where: { $0 == "change" || $0 == "changes" }) else { return nil }
        self.date = date
        self.change = change
        self.by = lowered.firstIndex(where: { $0 == "by" || $0 == "author" || $0 == "who" })
        self.count = names.count
    }
}

/// Dependency IDs from a cell: `T1, T2`, `T1 T2`, `-`, `none`.
func dependencyIDs(_ cell: String) -> [String] {
    let pieces = cell.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == " " || $0 == "\t" })
    return pieces.map { strippingEmphasis($0) }.filter {
        !$0.isEmpty && !["-", "—", "–", "none", "n/a", "na"].contains($0.lowercased())
    }
}

/// A task ID as compared: markup and case set aside.
func taskKey(_ id: String) -> String { strippingEmphasis(id).lowercased() }

/// Placeholder rows (`| - | - | ⏳ | ... |`) have no ID.
func isPlaceholderID(_ id: String) -> Bool {
    let key = strippingEmphasis(id)
    return key.isEmpty || key == "-" || key == "—" || key == "–"
}
