import ArgumentParser
import FactoryEngine
import Foundation

/// The factory around the current directory.
func currentWorkspace() throws -> WorkspacePaths {
    do { return try WorkspacePaths.find(from: Workspace.currentDirectory()) } catch { throw CLIError(error.description) }
}

/// An engine for this factory whose agents' `{factory}` is this binary; `configure` sets the
/// rest. A failure to open the factory becomes a one-line error.
func makeEngine(_ paths: WorkspacePaths, _ configure: (inout EngineOptions) -> Void = { _ in }) throws -> Engine {
    var options = EngineOptions()
    options.factoryPath = executablePath()
    configure(&options)
    do { return try Engine(paths: paths, options: options) } catch { throw CLIError("\(error)") }
}

/// An engine that reads and acts but does not drive (the CLI's one-shot commands).
func oneShotEngine(_ paths: WorkspacePaths) throws -> Engine {
    try makeEngine(paths) { $0.driving = false }
}

/// Runs `body` against this factory: through the driving engine's command queue when one
/// runs, else directly.
func act(_ queued: QueuedCommand, _ body: (Engine) throws -> Void) throws {
    let paths = try currentWorkspace()
    if EngineLock.isHeld(paths.engineLock) {
        let line = try JSONEncoder().encode(queued) + Data([0x0A])
        guard let handle = FileHandle(forWritingAtPath: paths.commands) ?? {
            FileManager.default.createFile(atPath: paths.commands, contents: nil)
            return FileHandle(forWritingAtPath: paths.commands)
        }() else { throw CLIError("cannot write \(paths.commands)") }
        handle.seekToEndOfFile()
        handle.write(line)
        try? handle.close()
        print("sent \(queued.command) to the running factory engine")
        return
    }
    do { try body(try oneShotEngine(paths)) } catch let error as EngineError { throw CLIError(error.description) }
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Phase, feature, each role's agent and worktree, task counts and what needs attention."
    )
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let snapshot = try oneShotEngine(try currentWorkspace()).snapshot()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            FileHandle.standardOutput.write(try encoder.encode(snapshot) + Data([0x0A]))
            return
        }
        print("phase: \(snapshot.phase.rawValue)\(snapshot.feature.isEmpty ? "" : " — \(snapshot.feature)")")
        print("tasks: \(snapshot.tasks.done)/\(snapshot.tasks.total) done")
        for a in snapshot.agents {
            let wt = a.worktree.map { "\($0.branch ?? "?") \($0.head ?? "") dirty \($0.dirty) +\($0.ahead)/-\($0.behind)" } ?? "no worktree"
            print("  \(a.role.padding(toLength: 10, withPad: " ", startingAt: 0)) \(a.state.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) tasks \(a.tasks.done)/\(a.tasks.total)  \(wt)")
        }
        for item in snapshot.attention { print("! \(item.kind.rawValue): \(item.message)") }
    }
}

struct StartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start a feature: the architect plans it.")
    @Argument(help: "The feature request.") var feature: [String]

    func run() throws {
        let text = feature.joined(separator: " ")
        try act(QueuedCommand(command: "start", argument: text)) { try $0.start(feature: text) }
    }
}

struct ApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approve", abstract: "Approve the architect's plan; implementation begins.")
    @Option(help: "A note for the architect.") var note: String?

    func run() throws { try act(QueuedCommand(command: "approve", argument: note)) { try $0.approve(note: note) } }
}

struct RejectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reject", abstract: "Send the plan back to the architect with a reason.")
    @Option(help: "What the architect must change.") var reason: String

    func run() throws { try act(QueuedCommand(command: "reject", argument: reason)) { try $0.reject(reason: reason) } }
}

struct SpawnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "spawn", abstract: "Start the agent of a role now.")
    @Argument(help: "The role.") var role: String

    func run() throws { try act(QueuedCommand(command: "spawn", argument: role)) { try $0.spawn(role: role) } }
}

struct KillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "kill", abstract: "Stop the agent of a role (and what it started).")
    @Argument(help: "The role.") var role: String

    func run() throws { try act(QueuedCommand(command: "kill", argument: role)) { try $0.kill(role: role) } }
}

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the agents' branches into the main branch, after a dry run that leaves main untouched on a conflict."
    )

    func run() throws { try act(QueuedCommand(command: "merge")) { try $0.merge() } }
}
