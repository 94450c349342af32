import ArgumentParser
import FactoryEngine
import Foundation
import PlanDocument
#if canImport(Glibc)
import Glibc
#endif

/// `factory bench engine`: the engine's figures — append-to-snapshot latency, idle CPU,
/// refreshing 64 worktrees, and `factory status --json`.
struct EngineBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Measure the engine: append→snapshot latency, idle CPU, 64-worktree refresh, status --json."
    )
    @Option(help: "Appends to time.") var appends = 200
    @Option(help: "Seconds of idle to measure CPU over.") var idle = 30.0
    @Option(help: "Runs of status --json.") var runs = 15

    func run() throws {
        let dir = try DemoRepository.create(at: nil)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let paths = WorkspacePaths(root: dir)
        try latencyAndIdle(paths)
        try worktrees64(dir)
        try statusJSON(dir)
    }

    private func latencyAndIdle(_ paths: WorkspacePaths) throws {
        let engine = try makeEngine(paths)
        defer { engine.shutdown() }
        let seen = LatencyProbe()
        engine.subscribe { snap in seen.saw(messages: snap.plan.messages.count) }
        engine.drive()
        _ = engine.snapshot()  // the watchers are up once this returns
        let file = PlanFile(path: paths.plan)
        var latencies: [Double] = [], quiet: [Double] = [], burst: [Double] = []
        for i in 0..<appends {
            let before = try file.read().view.messages.count
            // Half the appends come after a quiet moment, half back to back (a burst, which
            // the watcher gathers for up to its coalescing delay).
            if i % 2 == 0 { usleep(20_000) }
            // Timed from the start of the write (lock, read, edit, fsync, rename): the
            // rename itself happens inside, so this overstates the latency a little.
            let t0 = monotonicSeconds()
            try file.update([.appendMessage(from: "Builder", to: ["Tester"], body: "bench \(i)", time: "00:00")])
            guard let t1 = seen.wait(for: before + 1, timeout: 2) else { throw CLIError("no snapshot for append \(i)") }
            latencies.append(t1 - t0)
            if i % 2 == 0 { quiet.append(t1 - t0) } else { burst.append(t1 - t0) }
        }
        quiet.sort()
        burst.sort()
        print(String(format: "  after a quiet moment: p50 %.2f ms; in a burst: p50 %.2f ms", quiet[quiet.count / 2] * 1000, burst[burst.count / 2] * 1000))
        latencies.sort()
        let p50 = latencies[latencies.count / 2] * 1000, p99 = latencies[min(latencies.count - 1, latencies.count * 99 / 100)] * 1000
        print(String(format: "append to PLAN.md → new snapshot: p50 %.2f ms, p99 %.2f ms over %d appends (target p99 < 20 ms) %@",
                     p50, p99, appends, p99 < 20 ? "PASS" : "FAIL"))

        let cpu0 = cpuSeconds(), wall0 = monotonicSeconds()
        usleep(UInt32(idle * 1_000_000))
        let share = (cpuSeconds() - cpu0) / (monotonicSeconds() - wall0) * 100
        print(String(format: "idle, 6 worktrees watched, %.0f s: %.3f%% of a core (target < 0.2%%) %@", idle, share, share < 0.2 ? "PASS" : "FAIL"))
    }

    private func worktrees64(_ dir: String) throws {
        let git = Git(dir)
        var paths: [String] = []
        for i in 0..<64 {
            let path = "\(dir)/worktrees/extra-\(i)"
            let r = git.run(["worktree", "add", "--quiet", "-b", "bench/\(i)", path])
            guard r.succeeded else { throw CLIError("git worktree add: \(r.firstErrorLine)") }
            try "change \(i)\n".write(toFile: path + "/dirty.txt", atomically: true, encoding: .utf8)
            paths.append(path)
        }
        var times: [Double] = []
        for _ in 0..<5 {
            let t0 = monotonicSeconds()
            let statuses = WorktreeMonitor.statuses(of: paths, mainBranch: "main")
            times.append(monotonicSeconds() - t0)
            guard statuses.count == 64, statuses.allSatisfy({ $0.untracked == 1 }) else { throw CLIError("worktree status misread") }
        }
        let m = median(times)
        print(String(format: "status of 64 worktrees: median %.0f ms of 5 (target < 1000 ms) %@", m * 1000, m < 1 ? "PASS" : "FAIL"))
        for p in paths { _ = git.run(["worktree", "remove", "--force", p]) }
    }

    private func statusJSON(_ dir: String) throws {
        var times: [Double] = []
        let cwd = Workspace.currentDirectory()
        chdir(dir)
        defer { chdir(cwd) }
        for _ in 0..<runs { times.append(try ChildRun.measure([executablePath(), "status", "--json"]).seconds) }
        times.sort()
        let m = median(times)
        print(String(format: "factory status --json, 6 roles: median %.0f ms, max %.0f ms over %d runs (target < 150 ms) %@",
                     m * 1000, (times.last ?? 0) * 1000, runs, m < 0.150 ? "PASS" : "FAIL"))
    }

    private func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }
}

/// Records when snapshots show a message count, for latency measurement.
final class LatencyProbe: @unchecked Sendable {
    private let condition = NSCondition()
    private var seenAt: [Int: Double] = [:]

    func saw(messages: Int) {
        condition.lock()
        if seenAt[messages] == nil { seenAt[messages] = monotonicSeconds() }
        condition.broadcast()
        condition.unlock()
    }

    func wait(for count: Int, timeout: Double) -> Double? {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while seenAt[count] == nil { if !condition.wait(until: deadline) { return nil } }
        return seenAt[count]
    }
}
