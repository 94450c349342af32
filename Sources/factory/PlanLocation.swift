import ArgumentParser
import FactoryEngine
import Foundation
import PlanDocument

/// `--file PATH`, shared by every command that reads or writes PLAN.md.
struct PlanLocation: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("PLAN.md to use.", discussion: "Default: $FACTORY_PLAN (an agent's own copy), else .agent-comms/PLAN.md in this directory or the nearest parent.", valueName: "path"))
    var file: String?

    /// `--file`, else `$FACTORY_PLAN` (an agent's own copy), else the nearest factory's.
    var path: String? {
        file ?? ProcessInfo.processInfo.environment["FACTORY_PLAN"].flatMap { $0.isEmpty ? nil : $0 } ?? Workspace.findPlan()
    }

    func resolve() throws -> PlanFile {
        if let path { return PlanFile(path: path) }
        guard let found = Workspace.findPlan() else {
            throw CLIError("no \(Workspace.planRelativePath) here or in any parent directory; pass --file PATH")
        }
        return PlanFile(path: found)
    }

    /// The factory this PLAN.md belongs to (one `factory init` set up: its role files are
    /// there), or nil for a PLAN.md of no factory. An agent's own copy of PLAN.md counts as
    /// its factory's.
    func factory() -> WorkspacePaths? {
        let path = self.path.map { $0.hasPrefix("/") ? $0 : Workspace.currentDirectory() + "/" + $0 }
        guard let path, let paths = try? WorkspacePaths.find(from: (path as NSString).deletingLastPathComponent) else { return nil }
        guard FileManager.default.fileExists(atPath: paths.agents) else { return nil }
        let real = { (p: String) in (p as NSString).resolvingSymlinksInPath }
        return real(path) == real(paths.plan) || real(path).hasPrefix(real(paths.comms) + "/run/") ? paths : nil
    }

    /// The factory whose agent's own copy of PLAN.md this is, or nil for any other PLAN.md.
    func agentsFactory() -> WorkspacePaths? {
        guard let paths = factory(), let path = self.path else { return nil }
        return (path as NSString).resolvingSymlinksInPath.hasPrefix((paths.comms as NSString).resolvingSymlinksInPath + "/run/") ? paths : nil
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
