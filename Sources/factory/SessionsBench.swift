import ArgumentParser
import FactoryEngine
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `factory bench sessions`: 32 simulated interactive agents in terminal sessions — the six
/// roles' and 26 more on the same private tmux server, read by the dashboard as if they were
/// agents' — printing, then sitting at a prompt. How fast a key shows, what the dashboard
/// and tmux cost while they print and while they are quiet, and how many tmux processes
/// the session monitor starts a minute.
struct SessionsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "Measure 32 terminal sessions: keystroke latency, CPU printing and idle, tmux processes a minute."
    )
    @Option(help: "Sessions in all (the six roles' and the rest).") var sessions = 32
    @Option(help: "Seconds of printing, then of quiet, measured.") var seconds = 30.0

    /// An interactive agent: a line every quarter second, and while the `quiet` file is
    /// there, a prompt on screen and nothing more — the state a waiting agent is in.
    static func agent(_ quiet: String) -> [String] {
        let script = "i=0; while true; do if [ -e \(quiet) ]; then if [ $i -ge 0 ]; then printf 'Do you want to proceed?\\n> 1. Yes\\n  2. No\\n'; i=-1; fi; "
            + "else i=$((i<0 ? 0 : i+1)); echo \"working on step $i\"; fi; sleep 0.25; done"
        return ["sh", "-c", script]
    }

    func run() throws {
        guard ProcessRunner.run(["tmux", "-V"]).succeeded else { throw CLIError("tmux is needed") }
        let dir = try DemoRepository.create(at: nil)
        let terminals = TerminalSessions(root: dir)
        defer {
            // The agents first, through their keepers; then the sessions' server and the folder.
            for role in Role.all { _ = try? CommandClient.send(.kill(role: role), to: WorkspacePaths(root: dir).engineSocket, patience: 5) }
            _ = ProcessRunner.run(["tmux", "-L", terminals.socket, "kill-server"])
            try? FileManager.default.removeItem(atPath: dir)
        }
        let paths = WorkspacePaths(root: dir), quiet = dir + "/quiet"
        let argv = Self.agent(quiet).map { "\"\($0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\"" }
        for role in Role.all {
            try "---\ncommand: [\(argv.joined(separator: ", "))]\nsession: tmux\n---\n# \(role)\n".write(toFile: "\(paths.agents)/\(role).md", atomically: true, encoding: .utf8)
        }
        let extras = (0..<max(0, sessions - Role.all.count)).map { String(format: "extra-%02d", $0) }
        for name in extras { try terminals.create(name, command: Self.agent(quiet), directory: dir) }
        let tmux = Tmux(socket: "factory-bench-sessions-\(getpid())")
        defer { tmux.kill() }
        let env = "LANG=C.UTF-8 TERM=xterm-256color FACTORY_BENCH_SESSIONS=\(extras.joined(separator: ","))"
        try tmux.start("dash", width: 160, height: 45, command: "cd \(dir) && \(env) \(executablePath()) dashboard --max-agents 6")
        guard tmux.waitFor("dash", "┌ agents", timeout: 10), let dashboard = tmux.pid("dash") else { throw CLIError("the dashboard did not draw") }
        for role in Role.all {
            let answer = try CommandClient.send(.spawn(role: role), to: paths.engineSocket, patience: 10)
            guard answer.ok else { throw CLIError("spawn \(role): \(answer.message)") }
        }
        guard let server = Int32(ProcessRunner.run(["tmux", "-L", terminals.socket, "display", "-p", "#{pid}"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)) else { throw CLIError("no tmux server for the sessions") }
        print("\(sessions) sessions (\(Role.all.count) agents' and \(extras.count) more), each printing 4 lines a second, then at a prompt")
        let printing = try measure(tmux, dashboard: dashboard, server: server, keys: true)
        FileManager.default.createFile(atPath: quiet, contents: nil)
        // The monitor slows its beat once every screen has been still for a while.
        Thread.sleep(forTimeInterval: SessionMonitor.quietAfter + 2)
        let idle = try measure(tmux, dashboard: dashboard, server: server, keys: false)
        _ = tmux.run(["send-keys", "-t", "dash", "q"])
        report(printing, idle)
        try countTmuxRuns(terminals, watching: Set(Role.all + extras), quiet: quiet)
    }

    struct Figures {
        var keys: [Double]
        var cpu: Double
    }

    /// Over `seconds`: CPU of the dashboard and of the sessions' tmux server, and (with
    /// `keys`) how long `?` takes to show or hide the help.
    private func measure(_ tmux: Tmux, dashboard: Int32, server: Int32, keys: Bool) throws -> Figures {
        let ticks0 = ProcessStats.cpuTicks(dashboard, children: false) + ProcessStats.cpuTicks(server, children: false)
        let start = monotonicSeconds()
        var times: [Double] = []
        var open = false
        while monotonicSeconds() - start < seconds {
            guard keys else { usleep(200_000); continue }
            let t = monotonicSeconds()
            _ = tmux.run(["send-keys", "-t", "dash", "?"])
            open.toggle()
            while tmux.capture("dash").contains("keys (? or Esc to close)") != open {
                guard monotonicSeconds() - t < 5 else { throw CLIError("the key never showed") }
                usleep(500)
            }
            times.append(monotonicSeconds() - t)
            usleep(150_000)
        }
        if open { _ = tmux.run(["send-keys", "-t", "dash", "?"]) }
        let ticks = ProcessStats.cpuTicks(dashboard, children: false) + ProcessStats.cpuTicks(server, children: false) - ticks0
        return Figures(keys: times, cpu: Double(ticks) / ProcessStats.ticksPerSecond / (monotonicSeconds() - start))
    }

    private func report(_ printing: Figures, _ idle: Figures) {
        let sorted = printing.keys.sorted()
        let p50 = sorted[sorted.count / 2] * 1000, p99 = sorted[min(sorted.count - 1, sorted.count * 99 / 100)] * 1000
        print(String(format: "  keystroke → on screen, all printing: p50 %.1f ms, p99 %.1f ms over %d keys (target p99 < 50 ms) %@",
                     p50, p99, sorted.count, p99 < 50 ? "PASS" : "FAIL"))
        print(String(format: "  CPU of the dashboard and the sessions' tmux server, all printing: %.1f%% of one core", printing.cpu * 100))
        print(String(format: "  CPU of the dashboard and the sessions' tmux server, all quiet at a prompt: %.2f%% of one core (target < 1%%) %@",
                     idle.cpu * 100, idle.cpu < 0.01 ? "PASS" : "FAIL"))
    }

    /// The session monitor the dashboard runs, run here on the same sessions for a while
    /// printing and a while quiet, counting the tmux processes it starts.
    private func countTmuxRuns(_ terminals: TerminalSessions, watching: Set<String>, quiet: String) throws {
        for phase in ["printing", "quiet"] {
            if phase == "printing" { try? FileManager.default.removeItem(atPath: quiet) } else {
                FileManager.default.createFile(atPath: quiet, contents: nil)
            }
            var monitor = SessionMonitor(sessions: terminals)
            // Settled first: the quiet phase is counted once the beat has slowed.
            let settle = phase == "quiet" ? SessionMonitor.quietAfter + 1 : 1
            let warm = monotonicSeconds()
            while monotonicSeconds() - warm < settle { beat(&monitor, watching) }
            let before = monitor.tmuxRuns, start = monotonicSeconds()
            var beats = 0
            while monotonicSeconds() - start < 20 {
                beat(&monitor, watching)
                beats += 1
            }
            let perMinute = Double(monitor.tmuxRuns - before) / (monotonicSeconds() - start) * 60
            print(String(format: "  tmux processes the session monitor starts, %@: %.0f a minute (%d beats in 20 s, %d sessions)",
                         phase, perMinute, beats, watching.count))
        }
    }

    private func beat(_ monitor: inout SessionMonitor, _ watching: Set<String>) {
        let now = Date().timeIntervalSince1970
        _ = monitor.read(watching: watching, now: now)
        Thread.sleep(forTimeInterval: monitor.beat(now: now))
    }
}
