import ArgumentParser
import PlanDocument

struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check PLAN.md: malformed rows, duplicate IDs, unknown or cyclic dependencies, unknown status words.",
        discussion: "Prints PATH:LINE: severity: message for each problem. Exits 1 when any is an error."
    )

    @OptionGroup var location: PlanLocation

    func run() throws {
        let (file, doc) = try location.read()
        for d in doc.view.diagnostics { Output.text("\(file.path):\(d.line): \(d.severity.rawValue): \(d.message)") }
        let errors = doc.view.diagnostics.filter { $0.severity == .error }.count
        let warnings = doc.view.diagnostics.count - errors
        Output.text(doc.view.diagnostics.isEmpty ? "\(file.path): no problems" : "\(errors) error(s), \(warnings) warning(s)")
        Output.finish(keeping: doc, status: errors > 0 ? 1 : 0)
    }
}
