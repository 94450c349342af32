import ArgumentParser
import FactoryEngine
import Foundation

/// The keeper process every agent runs under (started by the engine, not by hand).
struct KeeperCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keeper",
        abstract: "Run one agent from RUNDIR/spec.json, holding its pipes, log and exit status (started by factory itself).",
        shouldDisplay: false
    )
    @Argument(help: "The run folder (.agent-comms/run/ROLE).") var runDirectory: String

    func run() throws {
        Foundation.exit(Keeper.main(runDirectory: runDirectory))
    }
}
