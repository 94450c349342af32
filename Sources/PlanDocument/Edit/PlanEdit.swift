/// A change to PLAN.md, as an intent rather than bytes: applied to whatever the file holds
/// at the moment of writing, so a concurrent writer's work is never overwritten.
public enum PlanEdit: Sendable, Equatable {
    /// Sets one cell of a task row. `column` is `status`, `agent`, `priority`,
    /// `description`, `dependsOn` or any header of the task's table. A status given as a
    /// plain word (`done`, `wip`…) is written with the template's emoji.
    case setTaskCell(id: String, column: String, value: String)
    case addTask(TaskDraft)
    /// Appends `### From → To (time)` and the body to the Messages section.
    case appendMessage(from: String, to: [String], body: String, time: String)
    /// Names another sender for the message whose heading is on `line` (1-based), its
    /// recipients, time and body kept: a message an agent signed with another's name.
    case setMessageSender(line: Int, from: String)
    /// Ticks (or unticks) the checkpoint item whose text matches.
    case setCheckpointItem(text: String, done: Bool)
    case appendChangeLog(date: String, change: String, by: String)
    /// `verdict` is a verdict value: `approved`, `changes_requested`, `secure`,
    /// `issues_found`, `critical_block`, `pass`, `needs_fixes`.
    case recordVerdict(kind: VerdictKind, subject: String, verdict: String)
    case setField(name: String, value: String)
    /// Appends Markdown (a `## Design: …` section, say) at the end of the file.
    case appendSection(markdown: String)
}

/// A new task row. An empty `id` takes the next free `T<n>`.
public struct TaskDraft: Sendable, Equatable {
    public var id: String
    public var agent: String
    public var status: String
    public var priority: String
    public var description: String
    public var dependsOn: [String]
    /// Which task table (index into `PlanView.taskTables`); the first when nil.
    public var table: Int?

    public init(id: String = "", agent: String = "", status: String = "pending", priority: String = "",
                description: String = "", dependsOn: [String] = [], table: Int? = nil) {
        self.id = id
        self.agent = agent
        self.status = status
        self.priority = priority
        self.description = description
        self.dependsOn = dependsOn
        self.table = table
    }
}

/// Why an edit could not be applied. Nothing was changed.
public struct PlanEditError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension PlanDocument {
    /// The document with `edit` applied; only the lines the edit touches change.
    public func applying(_ edit: PlanEdit) throws(PlanEditError) -> PlanDocument {
        let splice: Splice?
        switch edit {
        case let .setTaskCell(id, column, value): splice = try setTaskCell(id: id, column: column, value: value)
        case let .addTask(draft): splice = try addTask(draft)
        case let .appendMessage(from, to, body, time): splice = try appendMessage(from: from, to: to, body: body, time: time)
        case let .setMessageSender(line, from): splice = try setMessageSender(line: line, from: from)
        case let .setCheckpointItem(text, done): splice = try setCheckpointItem(text: text, done: done)
        case let .appendChangeLog(date, change, by): splice = appendChangeLog(date: date, change: change, by: by)
        case let .recordVerdict(kind, subject, verdict): splice = try recordVerdict(kind: kind, subject: subject, verdict: verdict)
        case let .setField(name, value): splice = try setField(name: name, value: value)
        case let .appendSection(markdown): splice = appendSection(markdown)
        }
        guard let splice else { return self }
        return PlanDocument(bytes: splice.applied(to: self))
    }

    public func applying(_ edits: [PlanEdit]) throws(PlanEditError) -> PlanDocument {
        var doc = self
        for edit in edits { doc = try doc.applying(edit) }
        return doc
    }
}
