import ArgumentParser
import FactoryEngine
import InertText
import PlanDocument

struct TaskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "task",
        abstract: "Change the task table: set a task's cells, or add a task.",
        subcommands: [TaskSet.self, TaskAdd.self]
    )
}

struct TaskSet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Set cells of one task row; only those cells change.",
        discussion: "A status of done, wip, pending, blocked or failed is written with the template's emoji (✅ Done…); another form PLAN.md reads as one of them (\"in progress\", \"✅\") is written as given, and any other is refused."
    )

    @OptionGroup var location: PlanLocation
    @Argument(help: "The task's ID.") var id: String
    @Option(help: "New status.") var status: String?
    @Option(help: "New agent.") var agent: String?
    @Option(help: "New priority.") var priority: String?
    @Option(help: "New description.") var description: String?
    @Option(name: .customLong("depends-on"), help: "New dependencies, comma-separated.") var dependsOn: String?
    @Option(name: .customLong("cell"), help: ArgumentHelp("Any other column: NAME=VALUE (repeatable).", valueName: "name=value"))
    var cells: [String] = []

    func run() throws {
        var edits: [PlanEdit] = []
        func set(_ column: String, _ value: String?) {
            if let value { edits.append(.setTaskCell(id: id, column: column, value: value)) }
        }
        if let status { try checkStatus(status) }
        if let agent { try checkAgent(agent) }
        set("status", status)
        set("agent", agent)
        set("priority", priority)
        set("description", description)
        set("dependsOn", dependsOn)
        for cell in cells {
            guard let eq = cell.firstIndex(of: "=") else { throw CLIError("--cell takes NAME=VALUE, got \"\(cell)\"") }
            set(String(cell[..<eq]), String(cell[cell.index(after: eq)...]))
        }
        if edits.isEmpty { throw ValidationError("nothing to set: give --status, --agent, --priority, --description, --depends-on or --cell") }
        try location.update(edits)
    }
}

/// Refuses an owner that is not a role name at all (`../x`, `-b`): a role's name becomes its
/// worktree and branch, so one that could leave `worktrees/` or pass for a git option is
/// never written down as one. Empty means nobody yet.
func checkAgent(_ name: String) throws {
    guard !name.isEmpty else { return }
    do { _ = try Role.validate(name) } catch { throw CLIError(error.description) }
}

/// Refuses a status PLAN.md would read as unknown: the pipeline's gates could never count it.
func checkStatus(_ text: String) throws {
    guard TaskStatus(cell: text) == .unknown else { return }
    throw CLIError("unknown status \"\(text)\": use done, wip, pending, blocked or failed (or a form PLAN.md reads as one, such as \"✅ Done\" or \"in progress\")")
}

struct TaskAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a task row to a task table (the template's placeholder row gives way to it)."
    )

    @OptionGroup var location: PlanLocation
    @Option(help: "ID (default: the next free T<n>).") var id: String?
    @Option(help: "Agent the task is for.") var agent: String = ""
    @Option(help: "Status.") var status: String = "pending"
    @Option(help: "Priority.") var priority: String = ""
    @Option(name: .customLong("depends-on"), help: "Dependencies, comma-separated.") var dependsOn: String = ""
    @Option(help: "Which task table, counted from 1 in file order.") var table: Int?
    @Argument(help: "What the task is.") var description: [String]

    func run() throws {
        if let table, table < 1 { throw ValidationError("--table counts from 1") }
        try checkStatus(status)
        try checkAgent(agent)
        if let id { try checkTaskID(id) }
        let deps = dependsOn.split(separator: ",").map { String($0).trimmingCharacters() }.filter { !$0.isEmpty }
        var draft = TaskDraft(id: id ?? "", agent: agent, status: status, priority: priority,
                              description: description.joined(separator: " "), dependsOn: deps, table: table.map { $0 - 1 })
        // An agent's copy: the engine adds the row to PLAN.md itself and picks the ID there,
        // so agents adding at once never take the same one.
        if let paths = location.agentsFactory(), let answer = Engine.deliverIfAnswered(
            .addTask(id: draft.id, agent: draft.agent, status: draft.status, priority: draft.priority,
                     description: draft.description, dependsOn: draft.dependsOn, table: draft.table), to: paths) {
            guard answer.ok else { throw CLIError(answer.message) }
            return Output.text(answer.message)
        }
        let file = try location.resolve()
        do {
            // The free ID is chosen under the lock, so two concurrent adds never collide.
            try file.update { current in
                if draft.id.isEmpty { draft.id = current.nextTaskID() }
                return [.addTask(draft)]
            }
        } catch { throw CLIError(error.description) }
        Output.text(draft.id)
    }
}

/// A new task's ID is a word others can type: letters, digits, `.`, `-` and `_`, starting
/// with a letter or digit, at most 32 characters (`-` alone would be a row no command finds).
func checkTaskID(_ id: String) throws {
    let scalars = Array(id.unicodeScalars)
    let word = { (s: Unicode.Scalar) in s.properties.isAlphabetic && s.isASCII || ("0"..."9").contains(s) }
    guard let first = scalars.first, scalars.count <= 32, word(first), scalars.allSatisfy({ word($0) || "._-".unicodeScalars.contains($0) }) else {
        throw CLIError("--id \(Inert.text(id)): an ID is 1 to 32 letters, digits, . - or _, starting with a letter or digit")
    }
}
