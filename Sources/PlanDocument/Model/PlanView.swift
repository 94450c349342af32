/// The typed view of PLAN.md: what the file says, as values. Lines are 1-based.
public struct PlanView: Sendable, Equatable {
    /// Header fields (`**Status:** 🟢 Ready`) in file order.
    public var fields: [Field] = []
    public var tasks: [PlanTask] = []
    public var taskTables: [TaskTable] = []
    public var messages: [PlanMessage] = []
    public var checkpoints: [Checkpoint] = []
    public var changeLog: [ChangeLogEntry] = []
    public var verdicts: [Verdict] = []
    public var diagnostics: [Diagnostic] = []
    /// Titles of the level-2 sections, in file order.
    public var sections: [String] = []

    /// The value of the first header field named `name` (case-insensitive).
    public func field(_ name: String) -> String? {
        let key = name.lowercased()
        return fields.first { $0.name.lowercased() == key }?.value
    }

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

public struct Field: Sendable, Equatable, Encodable {
    public var name: String
    public var value: String
    public var line: Int
}

/// A task row of any task table.
public struct PlanTask: Sendable, Equatable, Encodable {
    public var id: String
    public var agent: String
    public var status: TaskStatus
    public var statusText: String
    public var priority: String
    public var description: String
    public var dependsOn: [String]
    public var line: Int
    /// Every cell in the order of its table's `columns`, extra columns included.
    public var cells: [String]
    /// Index into `PlanView.taskTables`.
    public var table: Int
}

/// A GFM table recognised as a task table: a header with an ID (or Task) column and a
/// Status column.
public struct TaskTable: Sendable, Equatable, Encodable {
    /// Header cells as written.
    public var columns: [String]
    /// Header line, and the last row's line.
    public var line: Int
    public var lastLine: Int
    /// The heading the table stands under, if any.
    public var section: String
}

public struct PlanMessage: Sendable, Equatable, Encodable {
    public var from: String
    public var to: [String]
    public var time: String
    public var body: String
    public var line: Int

    public init(from: String, to: [String], time: String, body: String, line: Int) {
        self.from = from
        self.to = to
        self.time = time
        self.body = body
        self.line = line
    }
}

public struct Checkpoint: Sendable, Equatable, Encodable {
    public var number: Int?
    public var title: String
    public var line: Int
    public var items: [CheckpointItem]
}

public struct CheckpointItem: Sendable, Equatable, Encodable {
    public var text: String
    public var done: Bool
    public var line: Int
}

public struct ChangeLogEntry: Sendable, Equatable, Encodable {
    public var date: String
    public var change: String
    public var by: String
    public var line: Int
}

public struct Verdict: Sendable, Equatable, Encodable {
    public var kind: VerdictKind
    public var subject: String
    /// `approved`, `changes_requested`, `secure`, `issues_found`, `critical_block`, `pass`,
    /// `needs_fixes`, `undecided` or `unknown`.
    public var verdict: String
    /// The verdict line (the section's heading line while no verdict is written).
    public var line: Int
    /// The line as written.
    public var text: String
}

public enum VerdictKind: String, Sendable, CaseIterable, Codable {
    case review, security, tests
}

public struct Diagnostic: Sendable, Equatable, Encodable {
    public enum Severity: String, Sendable, Codable { case error, warning }
    public var line: Int
    public var severity: Severity
    public var message: String

    public init(line: Int, severity: Severity, message: String) {
        self.line = line
        self.severity = severity
        self.message = message
    }
}
