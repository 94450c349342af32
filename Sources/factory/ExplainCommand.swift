import ArgumentParser
import FactoryEngine
import Foundation

/// `factory explain ROLE`: which signal decides what the role's agent is doing now, and
/// what that signal saw — or that none is fresh enough to say.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Which signal decides a role's agent state (working, waiting_input, idle or unknown) and what it saw."
    )
    @Argument(help: "The role: architect, builder, …") var role: String
    @Flag(help: "Print JSON.") var json = false

    /// What `--json` prints.
    struct Report: Encodable {
        struct Signal: Encodable {
            var source: String
            var state: String
            var evidence: String
            var record: SignalRecord?
        }
        var role: String
        var state: String
        var decidedBy: String?
        var signals: [Signal]
    }

    func run() throws {
        let paths = try currentWorkspace()
        let name: String
        do { name = try Role.validate(role) } catch { throw CLIError(error.description) }
        guard FileManager.default.fileExists(atPath: "\(paths.agents)/\(name).md") else {
            throw CLIError("no role \(name) in this factory (agents/\(name).md is missing)")
        }
        let readings = AgentSignals.readings(of: paths.run(name))
        let deciding = AgentSignals.deciding(readings)
        // The state `status` shows; the signals say how it was decided, or that none could.
        let agent = try oneShotEngine(paths).snapshot().agents.first { $0.role == name }
        let active = agent?.state.isActive == true
        let state = (active ? agent?.state.rawValue : nil) ?? deciding?.state?.rawValue ?? agent?.state.rawValue ?? "unknown"
        if json {
            let signals = readings.map { Report.Signal(source: $0.source, state: $0.state?.rawValue ?? "unknown", evidence: $0.evidence, record: $0.record) }
            return try Output.json(Report(role: name, state: state, decidedBy: deciding?.source, signals: signals), pretty: true)
        }
        let why = deciding.map { ", decided by \($0.source)" }
            ?? (agent?.state.isActive == true ? " (no signal is fresh: the lifecycle state stands)" : "")
        Output.text("\(name): \(state)" + why)
        for reading in readings { Output.text("  \(reading.source): \(reading.evidence)") }
        if agent?.session != nil, !readings.contains(where: { $0.source == ScreenSignal.source }) {
            Output.text("  screen: no screen rules read this agent's screen (its CLI has none)")
        }
    }
}
