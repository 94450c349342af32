import ArgumentParser
import FactoryEngine

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Set up a software factory in this git repository.",
        discussion: """
        Creates .agent-comms/PLAN.md and HISTORY.md, agents/<role>.md for the six roles, and a \
        git worktree per role at worktrees/<role> on branch agent/<role>; adds worktrees/ and the \
        live coordination files to .gitignore and commits the role files. Changes nothing that \
        already exists: a second run says so. Refuses outside a git repository or when the index \
        has staged changes it would commit.
        """
    )

    @Option(help: ArgumentHelp("Launch preset for new role files: \(AgentPreset.names.joined(separator: ", ")).", valueName: "name"))
    var preset: String?

    func run() throws {
        let report: FactoryInit.Report
        do {
            report = try FactoryInit.run(in: Workspace.currentDirectory(), preset: preset, today: Clock.day())
        } catch { throw CLIError(error.description) }
        if report.nothingToDo {
            Output.text("\(report.root): already set up; nothing to change")
        } else {
            Output.text("\(report.root): set up the software factory")
            for item in report.created { Output.text("  created \(item)") }
        }
    }
}
