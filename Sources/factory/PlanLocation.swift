import ArgumentParser
import FactoryEngine
import PlanDocument

/// `--file PATH`, shared by every command that reads or writes PLAN.md.
struct PlanLocation: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("PLAN.md to use.", discussion: "Default: .agent-comms/PLAN.md in this directory or the nearest parent.", valueName: "path"))
    var file: String?

    func resolve() throws -> PlanFile {
        if let file { return PlanFile(path: file) }
        guard let found = Workspace.findPlan() else {
            throw CLIError("no \(Workspace.planRelativePath) here or in any parent directory; pass --file PATH")
        }
        return PlanFile(path: found)
    }

    func read() throws -> (PlanFile, PlanDocument) {
        let file = try resolve()
        do { return (file, try file.read()) } catch { throw CLIError(error.description) }
    }

    /// Applies edits under the lock; a failure becomes a one-line error.
    @discardableResult
    func update(_ edits: [PlanEdit]) throws -> PlanDocument {
        let file = try resolve()
        do { return try file.update(edits) } catch { throw CLIError(error.description) }
    }
}

/// An error the user can act on, printed as one line.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
