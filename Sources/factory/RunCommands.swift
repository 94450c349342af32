import ArgumentParser
import FactoryEngine
import InertText
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Drives `engine` until the pipeline is done (exit 0) or blocked (exit 3), printing every
/// event as a JSON line. Never returns.
func driveToEnd(_ engine: Engine, paths: WorkspacePaths, notify: [String]? = nil, first: (Engine) throws -> Void = { _ in },
                then cleanup: @escaping @Sendable () -> Void = {}) -> Never {
    guard EngineLock.acquire(paths.engineLock) != nil else {
        FileHandle.standardError.write(Data("Error: another factory engine is driving \(Inert.text(paths.root))\n".utf8))
        exit(1)
    }
    if let notify {
        let notifier = Notifier(paths: paths, command: notify)
        notifier.watch(engine)
        headlessNotifier = notifier
    }
    engine.subscribeEvents { event in
        if let data = try? Inert.json(event) { FileHandle.standardOutput.write(data + Data([0x0A])) }
    }
    do { try first(engine) } catch {
        FileHandle.standardError.write(Data("Error: \(Inert.text("\(error)"))\n".utf8))
        exit(1)
    }
    engine.onFinish { phase in
        // What ended the run (a block, a conflict) needs the human most: its command runs first.
        headlessNotifier?.settle()
        cleanup()
        exit(phase == .done ? 0 : 3)
    }
    // Ctrl-C, Ctrl-\ or a kill stops driving; agents keep running and a later run re-adopts
    // them. (SIGQUIT left to the runtime would print a backtrace and go on.)
    let stopping = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]
    for sig in stopping { signal(sig, SIG_IGN) }
    let sources = stopping.map { sig -> DispatchSourceSignal in
        let source = DispatchSource.makeSignalSource(signal: sig, queue: .main)
        source.setEventHandler { exit(130) }
        source.resume()
        return source
    }
    engine.drive()
    withExtendedLifetime(sources) {}
    // The signal sources live as long as the process: keep them reachable.
    signalSources = sources
    dispatchMain()
}

nonisolated(unsafe) var signalSources: [DispatchSourceSignal] = []
/// The notifier hears the engine through a weak reference: this keeps it for the process's life.
nonisolated(unsafe) var headlessNotifier: Notifier?

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Drive the pipeline of this factory.",
        discussion: "With --headless: no screen; events as JSON lines; exits 0 when done, 3 when blocked (waiting for a human). " + notifyHelp
    )
    @Flag(help: "Run without the dashboard.") var headless = false
    @OptionGroup var screen: ScreenOptions

    func run() throws {
        guard headless else { try openDashboard(screen) }
        let paths = try currentWorkspace()
        let notify = try screen.notifySettings().command
        driveToEnd(try makeEngine(paths) { $0.maxConcurrentAgents = screen.maxAgents }, paths: paths, notify: notify)
    }
}

struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Print the engine's events as JSON lines.",
        discussion: "With --follow, new events as they happen, and every new PLAN.md message as an event of kind message (from, to, time, body), whether or not an engine runs."
    )
    @Flag(help: "Keep printing new events and messages as they happen.") var follow = false

    func run() throws {
        let paths = try currentWorkspace()
        var offset = 0
        func printNew() {
            guard let data = FileManager.default.contents(atPath: paths.events), data.count > offset else { return }
            let fresh = data[offset...]
            guard let last = fresh.lastIndex(of: 0x0A) else { return }
            FileHandle.standardOutput.write(Inert.escapingControls(inJSON: Data(fresh[...last])))
            offset = last + 1
        }
        printNew()
        guard follow else { return }
        var messages = MessageFollower(path: paths.plan)
        let box = Box {
            printNew()
            for message in messages.fresh() {
                if let data = try? Inert.json(MessageFollower.Event(message)) { FileHandle.standardOutput.write(data + Data([0x0A])) }
            }
        }
        keepAlive = FileWatcher(directories: [paths.comms], queue: .main) { _ in box.run() }
        dispatchMain()
    }
}

nonisolated(unsafe) var keepAlive: AnyObject?

/// Lets a non-Sendable local closure run on the main queue.
final class Box: @unchecked Sendable {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

struct AgentSimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent-sim",
        abstract: "The simulated agent the sim preset launches: reads PLAN.md, commits, flips its tasks, writes its verdict.",
        discussion: "FACTORY_SIM_SCENARIO picks happy, veto or conflict; FACTORY_SIM_PAUSE sets its thinking time in seconds."
    )
    @Option(help: "The role to play.") var role: String
    @Option(help: "PLAN.md (default: $FACTORY_PLAN).") var plan: String?
    @Option(help: "happy, veto or conflict (default: $FACTORY_SIM_SCENARIO or happy).") var scenario: String?
    @Option(name: .customLong("protocol"), help: "text, or claude: speak Claude Code's stream-json (FACTORY_SIM_ASK=role,… asks permission for a Bash call, FACTORY_SIM_ASK_COMMAND's or make release; FACTORY_SIM_EVENTS=N sends N messages first).")
    var agentProtocol = "text"

    func validate() throws {
        guard ["text", "claude"].contains(agentProtocol) else { throw ValidationError("--protocol is text or claude") }
    }

    func run() throws {
        guard let path = plan ?? ProcessInfo.processInfo.environment["FACTORY_PLAN"] else { throw CLIError("give --plan or set FACTORY_PLAN") }
        var env = ProcessInfo.processInfo.environment
        if let scenario { env["FACTORY_SIM_SCENARIO"] = scenario }
        var sim = AgentSim(role: role, planPath: path, environment: env)
        sim.agentProtocol = agentProtocol == "claude" ? .claude : .text
        do { try sim.run() } catch { throw CLIError("\(error)") }
    }
}

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The whole pipeline with simulated agents in a temporary git repository, live on the dashboard.",
        discussion: "It pauses at the approval gate until you press a. With --headless the plan is approved automatically and events are printed as JSON lines: happy ends done with the agents' work merged (exit 0); veto has security block once, then pass (exit 0); conflict ends blocked on a merge conflict with main untouched (exit 3)."
    )
    @Flag(help: "No screen: events as JSON lines on stdout.") var headless = false
    @Option(help: "happy, veto or conflict.") var scenario = "happy"
    @Option(help: "Build the demo repository in DIR and leave it there.") var keep: String?
    @OptionGroup var screen: ScreenOptions

    func validate() throws {
        guard ["happy", "veto", "conflict"].contains(scenario) else { throw ValidationError("--scenario is happy, veto or conflict") }
    }

    func run() throws {
        guard headless else { try runInteractiveDemo(scenario: scenario, keep: keep, screen: screen) }
        let dir = try DemoRepository.create(at: keep)
        let paths = WorkspacePaths(root: dir)
        let engine = try makeEngine(paths) {
            $0.autoApprove = true
            $0.agentEnvironment = ["FACTORY_SIM_SCENARIO": scenario]
        }
        let keepIt = keep != nil
        driveToEnd(engine, paths: paths, first: { try $0.start(feature: "Add a greeting command") }) {
            if keepIt { FileHandle.standardError.write(Data("demo repository kept in \(dir)\n".utf8)) } else { try? FileManager.default.removeItem(atPath: dir) }
        }
    }
}

/// A fresh git repository with one commit and `factory init --preset sim` done.
enum DemoRepository {
    static func create(at keep: String?) throws -> String {
        let dir: String
        if let keep {
            dir = keep.hasPrefix("/") ? keep : Workspace.currentDirectory() + "/" + keep
            if FileManager.default.fileExists(atPath: dir), !((try? FileManager.default.contentsOfDirectory(atPath: dir))?.isEmpty ?? true) {
                throw CLIError("\(dir) exists and is not empty")
            }
        } else {
            dir = NSTemporaryDirectory() + "factory-demo-" + UUID().uuidString.prefix(8)
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw CLIError("\(Inert.text(dir)) is a file, not a folder")
        }
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw CLIError("cannot create \(Inert.text(dir)): a part of the path is a file or cannot be written")
        }
        let git = Git(dir)
        for args in [["init", "--quiet", "--initial-branch=main"], ["config", "user.name", "factory demo"], ["config", "user.email", "demo@factory.local"]] {
            let r = git.run(args)
            guard r.succeeded else { throw CLIError("git \(args[0]): \(r.firstErrorLine)") }
        }
        try "# Demo project\n".write(toFile: dir + "/README.md", atomically: true, encoding: .utf8)
        _ = git.run(["add", "README.md"])
        _ = git.run(["commit", "--quiet", "-m", "Initial commit"])
        do { _ = try FactoryInit.run(in: dir, preset: "sim", today: Clock.day()) } catch { throw CLIError(error.description) }
        return dir
    }
}
