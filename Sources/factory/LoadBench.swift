import ArgumentParser
import FactoryEngine
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `factory bench load`: six protocol agents streaming together into a dashboard in a real
/// terminal (tmux), while a person presses keys: how long a key takes to show, what the
/// dashboard costs in CPU, and whether its memory stays flat.
struct LoadBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Measure the dashboard under six streaming protocol agents: keystroke latency, CPU, memory."
    )
    @Option(help: "Events a second, all six agents together.") var rate = 2000.0
    @Option(help: "Seconds of load.") var seconds = 20.0

    func run() throws {
        guard ProcessRunner.run(["tmux", "-V"]).succeeded else { throw CLIError("tmux is needed") }
        let dir = try DemoRepository.create(at: nil)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let paths = WorkspacePaths(root: dir)
        let speaking = "---\ncommand: [\"{factory}\", \"agent-sim\", \"--role\", \"{role}\", \"--plan\", \"{plan}\", \"--protocol\", \"claude\"]\nprotocol: claude\n---\n"
        for role in Role.all { try (speaking + "# \(role)\n").write(toFile: "\(paths.agents)/\(role).md", atomically: true, encoding: .utf8) }
        let perAgent = Int(rate * seconds) / Role.all.count
        let tmux = Tmux(socket: "factory-bench-load-\(getpid())")
        defer { tmux.kill() }
        let env = "LANG=C.UTF-8 TERM=xterm-256color FACTORY_SIM_PAUSE=0 FACTORY_SIM_EVENTS=\(perAgent) FACTORY_SIM_RATE=\(rate / Double(Role.all.count))"
        try tmux.start("dash", width: 160, height: 45, command: "cd \(dir) && \(env) \(executablePath()) dashboard --max-agents 6")
        guard tmux.waitFor("dash", "┌ agents", timeout: 10), let pid = tmux.pid("dash") else { throw CLIError("the dashboard did not draw") }
        let idleKiB = ProcessStats.residentKiB(pid)
        let ticks0 = ProcessStats.cpuTicks(pid, children: false)
        let start = monotonicSeconds()
        for role in Role.all {
            let answer = try CommandClient.send(.spawn(role: role), to: paths.engineSocket, patience: 10)
            guard answer.ok else { throw CLIError("spawn \(role): \(answer.message)") }
        }
        var keys: [Double] = [], memory: [(Double, Int)] = []
        var open = false
        while monotonicSeconds() - start < seconds {
            memory.append((monotonicSeconds() - start, ProcessStats.residentKiB(pid)))
            // The help overlay opened or closed by `?`: pressed, then timed until the screen shows it.
            let t = monotonicSeconds()
            _ = tmux.run(["send-keys", "-t", "dash", "?"])
            open.toggle()
            while (tmux.capture("dash").contains("keys (? or Esc to close)")) != open {
                guard monotonicSeconds() - t < 5 else { throw CLIError("the key never showed; the screen:\n\(tmux.capture("dash"))") }
                usleep(500)
            }
            keys.append(monotonicSeconds() - t)
            usleep(150_000)  // a person's pace between keys
        }
        let loaded = monotonicSeconds() - start
        let ticks = ProcessStats.cpuTicks(pid, children: false) - ticks0
        let exits = Role.all.map { "\(paths.comms)/run/\($0)/exit.json" }
        while !exits.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) && monotonicSeconds() - start < seconds * 4 { usleep(20_000) }
        let sent = monotonicSeconds() - start
        report(keys: keys, memory: memory, idleKiB: idleKiB, cpu: Double(ticks) / ProcessStats.ticksPerSecond / loaded, sent: sent,
               events: perAgent * Role.all.count, done: exits.allSatisfy { FileManager.default.fileExists(atPath: $0) })
    }

    private func report(keys: [Double], memory: [(Double, Int)], idleKiB: Int, cpu: Double, sent: Double, events: Int, done: Bool) {
        let sorted = keys.sorted()
        let p50 = sorted[sorted.count / 2] * 1000, p99 = sorted[min(sorted.count - 1, sorted.count * 99 / 100)] * 1000
        print(String(format: "six protocol agents, %.0f events/s together for %.0f s (%d events); the agents sent them in %.1f s%@",
                     rate, seconds, events, sent, done ? "" : " (not all finished)"))
        print(String(format: "  keystroke → on screen under that load: p50 %.1f ms, p99 %.1f ms over %d keys (target p99 < 50 ms) %@",
                     p50, p99, keys.count, p99 < 50 ? "PASS" : "FAIL"))
        print(String(format: "  dashboard CPU (its own process: engine and screen) under load: %.1f%% of one core", cpu * 100))
        // Flat: the second half of the run holds no more than the first half did, give or take 10%.
        let half = memory.count / 2
        let first = memory.prefix(max(1, half)).map(\.1).max() ?? 0, second = memory.suffix(max(1, memory.count - half)).map(\.1).max() ?? 0
        print(String(format: "  dashboard memory: %.1f MiB idle, %.1f MiB peak in the first half, %.1f MiB in the second: %@", Double(idleKiB) / 1024,
                     Double(first) / 1024, Double(second) / 1024, Double(second) <= Double(first) * 1.1 ? "FLAT" : "GROWING"))
        print("  (keys polled through tmux capture-pane, ~2 ms a poll: the figures include up to one poll)")
    }
}
