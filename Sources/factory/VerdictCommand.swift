import ArgumentParser
import FactoryEngine
import PlanDocument

extension VerdictKind: ExpressibleByArgument {}

struct VerdictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verdict",
        abstract: "Record a verdict in a Code Review, Security Audit or Test Results section.",
        discussion: """
        KIND is review, security or tests. VERDICT is approved or changes_requested (review); \
        secure, issues_found or critical_block (security); pass or needs_fixes (tests). \
        The section is created when missing.
        """
    )

    @OptionGroup var location: PlanLocation
    @Option(help: "What was reviewed (the part after the colon in the section heading).") var subject: String = ""
    @Argument(help: "review, security or tests.") var kind: VerdictKind
    @Argument(help: "The verdict.") var verdict: String

    func run() throws {
        try location.update([.recordVerdict(kind: kind, subject: subject, verdict: verdict)])
    }
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
