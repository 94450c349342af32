import ArgumentParser
import FactoryEngine
import Foundation

@main
struct Factory: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "factory",
        abstract: "Run and watch a team of AI coding agents that coordinate through .agent-comms/PLAN.md.",
        discussion: "factory alone opens the dashboard: factory dashboard --help lists its options, notifications among them.",
        version: "0.1.0",
        subcommands: [
            InitCommand.self, StatusCommand.self, StartCommand.self, ApproveCommand.self, RejectCommand.self,
            SpawnCommand.self, KillCommand.self, RestartCommand.self, ResumeCommand.self, TellCommand.self, AllowCommand.self, DenyCommand.self, AnswerCommand.self, BudgetCommand.self, AttachCommand.self, SendCommand.self, MergeCommand.self, EventsCommand.self, RunCommand.self, DemoCommand.self,
            PlanCommand.self, LintCommand.self, SayCommand.self, MessagesCommand.self, TaskCommand.self,
            CheckpointCommand.self, VerdictCommand.self, OverrideCommand.self, ChangelogCommand.self, FieldCommand.self,
            AgentSimCommand.self, BenchCommand.self, DashboardCommand.self, KeeperCommand.self, HookCommand.self, ExplainCommand.self,
        ],
        defaultSubcommand: DashboardCommand.self
    )

    /// ArgumentParser's own entry point, except that errors are printed inert: a one-line
    /// error often quotes what the user (or an agent) passed in.
    static func main() {
        // An agent's hook: before any parsing, so that it can neither print nor fail.
        let arguments = CommandLine.arguments.dropFirst()
        if arguments.first == "hook", !arguments.contains("--help"), !arguments.contains("-h") {
            HookInvocation.run(Array(arguments.dropFirst()))
            Foundation.exit(0)
        }
        // `factory` alone is the dashboard, so a mistyped command would otherwise be read as
        // the dashboard's argument and answered with the dashboard's usage.
        if let first = CommandLine.arguments.dropFirst().first, !first.hasPrefix("-"), !commandNames.contains(first) {
            Output.fail("unknown command \"\(first)\" (commands: \(commandNames.filter { $0 != "keeper" && $0 != "hook" }.sorted().joined(separator: ", ")); factory --help)")
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            Output.exit(Self.self, withError: error)
        }
    }

    static var commandNames: [String] {
        configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
    }
}
