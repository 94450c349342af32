import ArgumentParser
import FactoryEngine
import PlanDocument

extension VerdictKind: ExpressibleByArgument {}

struct VerdictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verdict",
        abstract: "Give a validator's verdict: review, security or tests.",
        discussion: """
        KIND is review, security or tests. VERDICT is approved or changes_requested (review); \
        secure, issues_found or critical_block (security); pass or needs_fixes (tests). \
        In a factory the engine records it, and only from the agent of that kind's role \
        (reviewer, security, tester) or the human; PLAN.md's verdict line then shows it. \
        A security critical_block stands for its round: only security in a later round, or \
        factory override --reason, sets it aside. On a PLAN.md outside a factory (--file), \
        the line is written directly; the section is created when missing.
        """
    )

    @OptionGroup var location: PlanLocation
    @Option(help: "What was reviewed (the part after the colon in the section heading).") var subject: String = ""
    @Argument(help: "review, security or tests.") var kind: VerdictKind
    @Argument(help: "The verdict.") var verdict: String

    func run() throws {
        if let paths = location.factory() { return try act(.verdict(kind: kind, subject: subject, verdict: verdict), in: paths) }
        try location.update([.recordVerdict(kind: kind, subject: subject, verdict: verdict)])
    }
}

struct OverrideCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "override",
        abstract: "Set aside security's critical block, saying why (the human only).",
        discussion: "While validation runs, or once the pipeline blocked on the veto. The block stays in PLAN.md as security wrote it; the override and its reason go into the change log, the events and HISTORY.md."
    )
    @Option(help: "Why the block is set aside: kept in HISTORY.md.") var reason: String

    func run() throws { try act(.override(reason: reason)) }
}

struct ChangelogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "changelog",
        abstract: "Append a row to PLAN.md's Change Log table."
    )

    @OptionGroup var location: PlanLocation
    @Option(help: "Who made the change.") var by: String = "Orchestrator"
    @Option(help: "The date (default: today).") var date: String?
    @Argument(help: "What changed.") var change: [String]

    func run() throws {
        if change.isEmpty { throw ValidationError("say what changed") }
        try location.update([.appendChangeLog(date: date ?? Clock.day(), change: change.joined(separator: " "), by: by)])
    }
}

struct FieldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "field",
        abstract: "Set a header field (**Status:**, **Updated:**…) of PLAN.md."
    )

    @OptionGroup var location: PlanLocation
    @Argument(help: "The field's name, e.g. Status.") var name: String
    @Argument(help: "The new value.") var value: String

    func run() throws {
        try location.update([.setField(name: name, value: value)])
    }
}
