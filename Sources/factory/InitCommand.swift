import ArgumentParser
import FactoryEngine
import Foundation

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Set up a software factory in this git repository.",
        discussion: """
        Creates .agent-comms/PLAN.md and HISTORY.md, agents/<role>.md for the six roles, and a \
        clone per role at worktrees/<role> on branch agent/<role> (borrowing this repository's \
        objects); adds worktrees/ and the live coordination files to .gitignore and commits the \
        role files. Changes nothing that already exists (a clean git worktree of an older factory \
        becomes a clone in place): a second run says so. Refuses outside a git repository or when \
        the index has staged changes it would commit.
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
            warnIfAgentsCannotStart(preset: preset ?? "claude")
        }
        for note in report.notes { Output.warning(note) }
    }

    /// Role files whose program is not installed here would fail only at the first spawn,
    /// long after init: say so now, with the presets that do work on this machine.
    private func warnIfAgentsCannotStart(preset: String) {
        guard let program = AgentPreset.command(named: preset)?.first, !PresetProgram.isAvailable(program) else { return }
        let working = AgentPreset.names.filter { name in AgentPreset.command(named: name)?.first.map(PresetProgram.isAvailable) ?? false }
        Output.warning("\(program) (preset \(preset)) is not on PATH, so the agents cannot start here; install it, "
            + "or use a preset that works here: \(working.joined(separator: ", ")) (preset: NAME in agents/<role>.md)")
    }
}

/// Whether a preset's program can be started on this machine.
enum PresetProgram {
    static func isAvailable(_ program: String) -> Bool {
        // `{factory}` is this binary (the sim preset).
        if program == "{factory}" { return true }
        if program.contains("/") { return FileManager.default.isExecutableFile(atPath: program) }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(program)") }
    }
}
