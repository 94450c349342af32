import ArgumentParser
import PlanDocument

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what PLAN.md says: fields, tasks, messages, checkpoints, verdicts."
    )

    @OptionGroup var location: PlanLocation
    @Flag(help: "Print the typed view as JSON.") var json = false

    func run() throws {
        let (file, doc) = try location.read()
        if json {
            PlanJSON.print(doc.view)
            Output.finish(keeping: doc)
        } else {
            Output.text(PlanSummary.render(doc.view, path: file.path), terminator: "")
        }
    }
}
