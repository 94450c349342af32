import ArgumentParser
import Dashboard
import FactoryEngine
import Foundation
import InertText
#if canImport(Glibc)
import Glibc
#endif

/// Options every dashboard command takes.
struct ScreenOptions: ParsableArguments {
    @Option(help: "Theme name (default, light, solarized-dark, gruvbox, high-contrast, mono) or a .theme file.") var theme = "default"
    @Flag(help: "Ring the terminal bell when something new needs attention.") var bell = false
    @Flag(help: "A desktop notification through the terminal (OSC 9; osc777 in config.yaml) when something new needs attention.")
    var desktop = false
    @Option(parsing: .upToNextOption, help: ArgumentHelp(
        "Run CMD [ARG…] (no shell) for each new attention item, with the item as JSON on its stdin; only the process that drives runs it.",
        valueName: "CMD"))
    var notify: [String] = []
    @Flag(name: .customLong("no-color"), help: "No colours (also when NO_COLOR is set).") var noColor = false
    @Flag(name: .customLong("no-mouse"), help: "Leave the mouse to the terminal (clicks select text without Shift).") var noMouse = false
    @Option(name: .customLong("max-agents"), help: "At most this many agents run at once.") var maxAgents = EngineOptions().maxConcurrentAgents

    func validate() throws {
        guard maxAgents >= 1 else { throw ValidationError("--max-agents must be at least 1") }
    }

    func dashboardOptions() throws -> DashboardOptions {
        var o = DashboardOptions()
        let alerts = try notifySettings()
        o.theme = theme
        o.bell = alerts.bell
        o.desktop = alerts.desktop
        o.notifyCommand = alerts.command
        o.noColor = o.noColor || noColor
        o.mouse = !noMouse
        o.keymapText = try UserConfig.directory().flatMap { try Self.keysConf($0 + "/keys.conf") }
        return o
    }

    /// keys.conf's text; none when there is no file. One that is there but cannot be used
    /// is an error, as a line it cannot read is: never silently the default keys.
    static func keysConf(_ path: String) throws -> String? {
        guard let data = FileManager.default.contents(atPath: path) else {
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            throw CLIError("\(Inert.text(path)): cannot be read")
        }
        guard let text = String(validating: data, as: UTF8.self) else { throw CLIError("\(Inert.text(path)): not UTF-8 text") }
        return text
    }

    /// config.yaml's notifications with the flags on top.
    func notifySettings() throws -> NotifySettings {
        var settings = NotifySettings()
        if let dir = UserConfig.directory() {
            do { settings = try NotifySettings.load(dir + "/config.yaml") } catch { throw CLIError(error.description) }
        }
        settings.bell = settings.bell || bell
        if desktop && settings.desktop == .off { settings.desktop = .osc9 }
        if let program = notify.first {
            // A relative path names a file here, not in the factory's root where it runs.
            let resolved = program.contains("/") && !program.hasPrefix("/") ? Workspace.currentDirectory() + "/" + program : program
            settings.command = [resolved] + notify.dropFirst()
        }
        return settings
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

/// Notifications, as `--help` tells them.
let notifyHelp = "When an item enters the attention queue (a request, approval, veto, conflict, failure, stall), --bell rings and --desktop sends a desktop notification through the terminal (through tmux when inside it, with its allow-passthrough on); --notify CMD runs CMD with the item as one JSON object on stdin (kind, role, message, id, feature, phase, time, root), in the driving process only. Each item alerts once; nothing about an agent whose detail view is open. ~/.config/factory/config.yaml can set them for every run: notify: [\"notify-send\", \"factory\"], desktop: true (or osc777), bell: true."

/// `factory` with no command: the dashboard of the factory around this directory.
struct DashboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "The live dashboard of this factory (what `factory` alone runs).",
        discussion: "Drives the engine unless another factory process already does; then it watches, sends your commands to it, and takes over driving when it stops. q quits; agents keep running under their keepers. " + notifyHelp
    )
    @OptionGroup var screen: ScreenOptions

    func run() throws { try openDashboard(screen) }
}

/// The dashboard of the factory around this directory, driving its engine when no other
/// process does.
func openDashboard(_ screen: ScreenOptions) throws -> Never {
        ensureNonInteractiveBacktraces()
        // The user's settings first: a broken file is said whether or not there is a screen.
        let options = try screen.dashboardOptions()
        do { try checkTerminal() } catch { throw CLIError(error.description) }
        let paths = try currentWorkspace()
        // Drive unless another process already does; then watch it.
        let driving = EngineLock.acquire(paths.engineLock) != nil
        // `factory bench sessions` has the dashboard read its extra sessions as agents' ones.
        let extra = Set((ProcessInfo.processInfo.environment["FACTORY_BENCH_SESSIONS"] ?? "").split(separator: ",").map(String.init))
        let engine = try makeEngine(paths) { $0.driving = driving; $0.maxConcurrentAgents = screen.maxAgents; $0.extraSessions = extra }
        do { try DashboardApp(engine: engine, options: options).run(drive: true) } catch { throw CLIError(error.description) }
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
    var dashboard = try screen.dashboardOptions()
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
