import ArgumentParser
import FactoryEngine
import InertText
import Foundation

/// The factory around the current directory.
func currentWorkspace() throws -> WorkspacePaths {
    do { return try WorkspacePaths.find(from: Workspace.currentDirectory()) } catch { throw CLIError(error.description) }
}

/// An engine for this factory whose agents' `{factory}` is this binary; `configure` sets the
/// rest. A failure to open the factory becomes a one-line error.
func makeEngine(_ paths: WorkspacePaths, _ configure: (inout EngineOptions) -> Void = { _ in }) throws -> Engine {
    var options = EngineOptions()
    options.factoryPath = executablePath()
    configure(&options)
    do { return try Engine(paths: paths, options: options) } catch { throw CLIError("\(error)") }
}

/// An engine that reads and acts but does not drive (the CLI's one-shot commands).
func oneShotEngine(_ paths: WorkspacePaths) throws -> Engine {
    try makeEngine(paths) { $0.driving = false }
}

/// Runs `command` where this factory is driven — sent to the driving engine over its
/// socket, or run here when nobody drives — and prints what the engine did. A refusal is
/// an error: its reason on one line, a non-zero exit.
func act(_ command: EngineCommand, in paths: WorkspacePaths? = nil) throws {
    let answer = Engine.deliver(command, to: try paths ?? currentWorkspace(), factoryPath: executablePath())
    guard answer.ok else { throw CLIError(answer.message) }
    Output.text(answer.message)
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Phase, feature, each role's agent and worktree, task counts and what needs attention."
    )
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let snapshot = try oneShotEngine(try currentWorkspace()).snapshot()
        if json {
            try Output.json(snapshot, pretty: true)
            return
        }
        Output.text("phase: \(snapshot.phase.rawValue)\(snapshot.feature.isEmpty ? "" : " — \(snapshot.feature)")")
        Output.text("tasks: \(snapshot.tasks.done)/\(snapshot.tasks.total) done")
        if snapshot.featureCostUSD > 0 || snapshot.budgetUSD != nil {
            Output.text("cost: \(Budget.text(snapshot.featureCostUSD))" + (snapshot.budgetUSD.map { " of a \(Budget.text($0)) budget" } ?? ""))
        }
        Output.text(snapshot.drivenBy.map { "engine: driven by pid \($0)" }
                    ?? "engine: nothing drives this factory; run factory (the dashboard) or factory run --headless to move it on")
        if let warning = snapshot.sandboxWarning { Output.text("sandbox: \(warning)") }
        for a in snapshot.agents {
            let wt = a.worktree.map { "\($0.branch ?? "?") \($0.head ?? "") dirty \($0.dirty) +\($0.ahead)/-\($0.behind)" } ?? "no worktree"
            let unconfined = a.sandbox == .off ? "  unconfined (sandbox: off)" : a.sandbox == .unavailable ? "  unconfined" : ""
            Output.text("  \(a.role.padding(toLength: 10, withPad: " ", startingAt: 0)) \(a.state.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)) tasks \(a.tasks.done)/\(a.tasks.total)  \(wt)\(unconfined)")
        }
        for item in snapshot.attention { Output.text("! \(item.kind.rawValue): \(item.message)") }
        for a in snapshot.agents { if let request = a.request { Output.text(Self.whole(request, role: a.role)) } }
    }

    /// What an agent asks, whole and never cut — every line of the command, all of a file's
    /// content, an edit's lines — and what each answer does, on lines of their own.
    static func whole(_ request: PermissionRequest, role: String) -> String {
        let asks = request.isQuestion ? "asks" : request.isOnScreen ? "asks on its screen" : "asks to run \(request.tool)"
        let answers = switch request.answering {
        case .question: "factory answer \(role) ANSWER... answers it (a choice's number, or words), factory deny \(role) declines it"
        case .onScreen: "factory allow \(role) and factory deny \(role) press the keys its screen rules name"
        case .always(let rule): "factory allow \(role) allows it once; --always also adds \(rule.text) to agents/\(role).md's allow list"
        case .onceOnly: "factory allow \(role) allows it once; --always adds no rule (none names only calls like this one): it allows it once too"
        }
        let body = RequestText(request).plain.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
        return (["\(role) \(asks) (request \(request.requestID)):"] + body + ["  " + answers]).joined(separator: "\n")
    }
}

struct StartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start a feature: the architect plans it.")
    @Argument(help: "The feature request.") var feature: [String]
    @Option(name: .customLong("budget-usd"), help: ArgumentHelp(
        "Start no agent once the feature has spent this many USD; the dashboard shows it as the first thing to look at (default: PLAN.md's **Budget:** field, else none).",
        valueName: "USD")) var budgetUSD: String?

    func run() throws {
        var budget: Double?
        if let budgetUSD {
            guard let usd = Budget.parse(budgetUSD), usd > 0 else { throw CLIError("--budget-usd must be an amount above 0 and up to 1000000, like 5 or 0.50") }
            budget = usd
        }
        try act(.start(feature: feature.joined(separator: " "), budgetUSD: budget))
    }
}

struct BudgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "budget",
        abstract: "Show, set or lift (none) the feature's budget in USD, and what it has spent.",
        discussion: "Once the feature's agents have spent the budget, no agent starts (no new turn, no retry) until you raise it; a running turn finishes.")
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("An amount of USD (5, 0.50, $5), or none.", valueName: "USD")) var amounts: [String] = []

    func run() throws {
        if amounts.isEmpty {
            let snapshot = try oneShotEngine(try currentWorkspace()).snapshot()
            let spent = Budget.text(snapshot.featureCostUSD)
            return Output.text(snapshot.budgetUSD.map { "budget \(Budget.text($0)); the feature has spent \(spent)" } ?? "no budget; the feature has spent \(spent)")
        }
        guard amounts.count == 1, let amount = amounts.first else { throw CLIError("give one amount of USD (like 5, 0.50 or $5), or none") }
        if amount.lowercased() == "none" { return try act(.budget(usd: nil)) }
        guard let usd = Budget.parse(amount), usd > 0 else {
            throw CLIError("\"\(amount)\" is not an amount of USD above 0 and up to 1000000 (like 5, 0.50 or $5), or none")
        }
        try act(.budget(usd: usd))
    }
}

struct ApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approve", abstract: "Approve the architect's plan; implementation begins.")
    @Option(help: "A note for the architect.") var note: String?

    func run() throws { try act(.approve(note: note)) }
}

struct RejectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reject", abstract: "Send the plan back to the architect with a reason.")
    @Option(help: "What the architect must change.") var reason: String

    func run() throws { try act(.reject(reason: reason)) }
}

struct SpawnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "spawn", abstract: "Start the agent of a role now.")
    @Argument(help: "The role.") var role: String

    func run() throws { try act(.spawn(role: role)) }
}

struct KillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "kill", abstract: "Stop the agent of a role (and what it started).")
    @Argument(help: "The role.") var role: String

    func run() throws { try act(.kill(role: role)) }
}

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the agents' branches into the main branch, after a dry run that leaves main untouched on a conflict.",
        discussion: "Only a feature whose documentation is done: at the merge phase, or after a merge that blocked (a conflict fixed by hand). Never past approval, validation or a veto."
    )

    func run() throws { try act(.merge) }
}

struct AllowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allow",
        abstract: "Allow what ROLE's agent asks (a command, an edit), once or always (a rule in agents/ROLE.md)."
    )
    @Argument(help: "The role whose request to answer.") var role: String
    @Flag(help: "Also allow calls like it from now on: the rule joins the allow list in agents/ROLE.md.") var always = false

    func run() throws { try act(.allow(role: role, always: always)) }
}

struct DenyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "deny", abstract: "Deny what ROLE's agent asks; the agent is told why.")
    @Argument(help: "The role whose request to answer.") var role: String
    @Option(help: "Why, for the agent.") var reason: String?

    func run() throws { try act(.deny(role: role, reason: reason)) }
}

struct AnswerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "answer",
        abstract: "Answer the question ROLE's agent asks: one answer per question, a choice's number or your own words.",
        discussion: "factory status shows the questions and their numbered choices. Where several choices may be picked, give their numbers with commas (1,3).")
    @Argument(help: "The role whose question to answer.") var role: String
    @Argument(help: ArgumentHelp("One answer per question, in order.", valueName: "answer")) var answers: [String]

    func run() throws { try act(.answer(role: role, answers: answers)) }
}

struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Go on with a blocked pipeline at the phase that blocked (after fixing what blocked it).",
        discussion: "The phase's retry budgets start afresh; the feature, its tasks and its approval stay."
    )

    func run() throws { try act(.resume) }
}

struct RestartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restart", abstract: "Stop the agent of a role and start it again.")
    @Argument(help: "The role.") var role: String

    func run() throws { try act(.restart(role: role)) }
}

struct TellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tell",
        abstract: "Message a role as the human, through the engine (what the dashboard's m does).",
        discussion: "The message is appended to PLAN.md as ### Human → Role. ROLE is one of the six roles or all."
    )
    @Argument(help: "The role (or all).") var role: String
    @Argument(help: "The message.") var text: [String]

    func run() throws { try act(.tell(role: role, text: text.joined(separator: " "))) }
}
