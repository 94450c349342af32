import ArgumentParser
import Dashboard
import FactoryEngine
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Options every dashboard command takes.
struct ScreenOptions: ParsableArguments {
    @Option(help: "Theme name (default, light, solarized-dark, gruvbox, high-contrast, mono) or a .theme file.") var theme = "default"
    @Flag(help: "Ring the terminal bell when something new needs attention.") var bell = false
    @Flag(name: .customLong("no-color"), help: "No colours (also when NO_COLOR is set).") var noColor = false
    @Option(name: .customLong("max-agents"), help: "At most this many agents run at once.") var maxAgents = EngineOptions().maxConcurrentAgents

    func validate() throws {
        guard maxAgents >= 1 else { throw ValidationError("--max-agents must be at least 1") }
    }

    func dashboardOptions() -> DashboardOptions {
        var o = DashboardOptions()
        o.theme = theme
        o.bell = bell
        o.noColor = o.noColor || noColor
        let keys = (ProcessInfo.processInfo.environment["XDG_CONFIG_HOME"] ?? NSHomeDirectory() + "/.config") + "/factory/keys.conf"
        o.keymapText = try? String(contentsOfFile: keys, encoding: .utf8)
        return o
    }
}

/// A Swift runtime crash would leave the terminal raw while the backtracer waits for a
/// key: run with the backtracer non-interactive (the environment must say so before the
/// runtime starts, so the process starts itself again once).
func ensureNonInteractiveBacktraces() {
    guard getenv("SWIFT_BACKTRACE") == nil else { return }
    setenv("SWIFT_BACKTRACE", "interactive=no", 1)
    let argv = CommandLine.arguments.map { strdup($0) } + [nil]
    execv("/proc/self/exe", argv)
}

/// `factory` with no command: the dashboard of the factory around this directory.
struct DashboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "The live dashboard of this factory (what `factory` alone runs).",
        discussion: "Drives the engine unless another factory process already does; then it watches, sends your commands to it, and takes over driving when it stops. q quits; agents keep running under their keepers."
    )
    @OptionGroup var screen: ScreenOptions

    func run() throws { try openDashboard(screen) }
}

/// The dashboard of the factory around this directory, driving its engine when no other
/// process does.
func openDashboard(_ screen: ScreenOptions) throws -> Never {
        ensureNonInteractiveBacktraces()
        do { try checkTerminal() } catch { throw CLIError(error.description) }
        let paths = try currentWorkspace()
        // Drive unless another process already does; then watch it.
        let driving = EngineLock.acquire(paths.engineLock) != nil
        let engine = try makeEngine(paths) { $0.driving = driving; $0.maxConcurrentAgents = screen.maxAgents }
        do { try DashboardApp(engine: engine, options: screen.dashboardOptions()).run(drive: true) } catch { throw CLIError(error.description) }
}

/// The interactive `factory demo`.
func runInteractiveDemo(scenario: String, keep: String?, screen: ScreenOptions) throws -> Never {
    ensureNonInteractiveBacktraces()
    do { try checkTerminal() } catch { throw CLIError(error.description) }
    let dir = try DemoRepository.create(at: keep)
    let paths = WorkspacePaths(root: dir)
    guard EngineLock.acquire(paths.engineLock) != nil else { throw CLIError("cannot lock \(paths.engineLock)") }
    // Slow enough to watch each agent work.
    let engine = try makeEngine(paths) { $0.agentEnvironment = ["FACTORY_SIM_SCENARIO": scenario, "FACTORY_SIM_PAUSE": "0.8"] }
    do { try engine.start(feature: "Add a greeting command") } catch { throw CLIError(error.description) }
    var dashboard = screen.dashboardOptions()
    let keepIt = keep != nil
    dashboard.onQuit = {
        if keepIt {
            Output.text("demo repository kept in \(dir)")
        } else {
            // The demo's agents must not write into a folder being removed.
            engine.killAllAgents()
            try? FileManager.default.removeItem(atPath: dir)
        }
    }
    do { try DashboardApp(engine: engine, options: dashboard).run(drive: true) } catch {
        if !keepIt { try? FileManager.default.removeItem(atPath: dir) }
        throw CLIError(error.description)
    }
}
