import ArgumentParser
import Foundation
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
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            FileHandle.standardOutput.write(try encoder.encode(doc.view))
            print()
        } else {
            print(PlanSummary.render(doc.view, path: file.path), terminator: "")
        }
    }
}
