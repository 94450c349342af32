import ArgumentParser
import Dashboard
import FactoryEngine
import Foundation
import PlanDocument
#if canImport(Glibc)
import Glibc
#endif

/// `factory bench dashboard`: the dashboard in a real terminal (tmux), measured side by
/// side with its peers in one run: `tail -F` for a new line of PLAN.md, `htop -d 10` for
/// idle CPU.
struct DashboardBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Measure the dashboard: first frame, message latency vs tail -F, idle CPU vs htop, bytes per message, frame time with 100,000 messages."
    )
    @Option(help: "Messages appended for the latency figures.") var appends = 40
    @Option(help: "Seconds of idle to measure CPU over.") var idle = 30.0

    func run() throws {
        try frameTime()
        guard ProcessRunner.run(["tmux", "-V"]).succeeded else { throw CLIError("tmux is needed for the terminal figures") }
        let dir = try DemoRepository.create(at: nil)
        defer { if getenv("FACTORY_BENCH_KEEP") == nil { try? FileManager.default.removeItem(atPath: dir) } else { print("kept \(dir)") } }
        let tmux = Tmux(socket: "factory-bench-\(getpid())")
        defer { tmux.kill() }
        let me = executablePath()
        let env = "LANG=C.UTF-8 TERM=xterm-256color"
        // First frame: from starting the process to the panes on screen. The tmux server is
        // started first so its own start-up is not counted; the median of 5 starts.
        try tmux.start("warm", width: 20, height: 5, command: "sleep 600")
        var firsts: [Double] = []
        for round in 0..<4 {
            let t = monotonicSeconds()
            try tmux.start("first\(round)", width: 120, height: 40, command: "cd \(dir) && \(env) \(me) dashboard")
            guard tmux.waitFor("first\(round)", "┌ agents", timeout: 10) else { throw CLIError("the dashboard did not draw") }
            firsts.append(monotonicSeconds() - t)
            _ = tmux.run(["send-keys", "-t", "first\(round)", "q"])
            _ = tmux.run(["kill-session", "-t", "first\(round)"])
            // The next one must start as the driver, not watch this one quitting.
            let lock = WorkspacePaths(root: dir).engineLock, quitting = monotonicSeconds()
            while EngineLock.isHeld(lock) && monotonicSeconds() - quitting < 5 { usleep(5_000) }
        }
        let t0 = monotonicSeconds()
        try tmux.start("dash", width: 120, height: 40, command: "cd \(dir) && \(env) \(me) dashboard")
        guard tmux.waitFor("dash", "┌ agents", timeout: 10) else { throw CLIError("the dashboard did not draw") }
        firsts.append(monotonicSeconds() - t0)
        let first = median(firsts) * 1000
        print(String(format: "first frame (process start → panes on screen, through tmux): median %.0f ms of 5 (target < 100 ms) %@", first, first < 100 ? "PASS" : "FAIL"))

        try latencyAndBytes(tmux, dir: dir, env: env)
        try idleCPU(tmux, dir: dir, env: env, me: me)
    }

    private func frameTime() throws {
        let messages = (0..<100_000).map { PlanMessage(from: "Builder", to: ["Tester"], time: "10:25", body: "message \($0): the change to module \($0 % 97) is ready; see the diff", line: $0) }
        var plan = PlanDocument(PlanTemplate.text()).view
        plan.messages = messages
        let snapshot = Snapshot(phase: .implementation, feature: "bench", agents: [], attention: [], tasks: TaskCounts(done: 0, total: 0),
                                blockedReason: nil, conflicts: [], plan: plan, time: 0)
        let keymap = try Keymap()
        var times: [Double] = []
        for _ in 0..<200 {
            let t = monotonicSeconds()
            _ = Frame.render(snapshot, UIState(), keymap: keymap, width: 120, height: 40)
            times.append(monotonicSeconds() - t)
        }
        let m = median(times) * 1000
        print(String(format: "frame with 100,000 messages, 120×40: median %.3f ms (target < 2 ms) %@", m, m < 2 ? "PASS" : "FAIL"))
    }

    /// One append to PLAN.md, watched by the dashboard and by `tail -F PLAN.md` at once;
    /// both are timed from the moment the write returns.
    private func latencyAndBytes(_ tmux: Tmux, dir: String, env: String) throws {
        let plan = "\(dir)/.agent-comms/PLAN.md"
        let file = PlanFile(path: plan)
        try tmux.start("tail", width: 120, height: 40, command: "tail -F \(plan)")
        let bytesLog = "\(dir)/dashboard-output.bin"
        tmux.pipe("dash", to: bytesLog)
        var ours: [Double] = [], tails: [Double] = [], bytes: [Int] = []
        for i in 0..<appends {
            usleep(60_000)  // a quiet moment between messages
            let before = (try? FileManager.default.attributesOfItem(atPath: bytesLog)[.size] as? Int) ?? 0
            let word = "bench\(i)x\(getpid())"
            try file.update([.appendMessage(from: "Builder", to: ["Tester"], body: word, time: "10:25")])
            let t0 = monotonicSeconds()
            var seenOurs: Double?, seenTail: Double?
            while seenOurs == nil || seenTail == nil {
                guard monotonicSeconds() - t0 < 5 else { throw CLIError("message \(i) never appeared; the dashboard shows:\n\(tmux.capture("dash"))") }
                if seenOurs == nil, tmux.capture("dash").contains(word) { seenOurs = monotonicSeconds() - t0 }
                if seenTail == nil, tmux.capture("tail").contains(word) { seenTail = monotonicSeconds() - t0 }
            }
            ours.append(seenOurs ?? 0)
            tails.append(seenTail ?? 0)
            usleep(40_000)  // let the frame's bytes reach the log
            let after = (try? FileManager.default.attributesOfItem(atPath: bytesLog)[.size] as? Int) ?? 0
            bytes.append(after - before)
        }
        ours.sort()
        tails.sort()
        let p99 = ours[min(ours.count - 1, ours.count * 99 / 100)] * 1000, tailP99 = tails[min(tails.count - 1, tails.count * 99 / 100)] * 1000
        let p50 = ours[ours.count / 2] * 1000, tailP50 = tails[tails.count / 2] * 1000
        print(String(format: "appended message on screen: p50 %.1f ms, p99 %.1f ms; tail -F on the same file, same appends: p50 %.1f ms, p99 %.1f ms", p50, p99, tailP50, tailP99))
        print(String(format: "  p99 < 50 ms: %@; within 2× of tail -F (p50 ratio %.2f, p99 ratio %.2f): %@", p99 < 50 ? "PASS" : "FAIL",
                     p50 / tailP50, p99 / tailP99, p50 <= 2 * tailP50 ? "PASS" : "FAIL"))
        let mb = median(bytes.map(Double.init))
        print(String(format: "bytes written to the terminal per new message: median %.0f (target < 300) %@", mb, mb < 300 ? "PASS" : "FAIL"))
    }

    private func idleCPU(_ tmux: Tmux, dir: String, env: String, me: String) throws {
        try tmux.start("htop", width: 120, height: 40, command: "htop -d 10")
        guard tmux.waitFor("htop", "PID", timeout: 10) else { throw CLIError("htop did not start (apt-get install htop)") }
        guard let ours = tmux.pid("dash"), let theirs = tmux.pid("htop") else { throw CLIError("cannot find the processes") }
        let a0 = ProcessStats.cpuTicks(ours), b0 = ProcessStats.cpuTicks(theirs)
        usleep(UInt32(idle * 1_000_000))
        let a = ProcessStats.cpuTicks(ours) - a0, b = ProcessStats.cpuTicks(theirs) - b0
        let hz = ProcessStats.ticksPerSecond
        print(String(format: "idle CPU over %.0f s, 120×40: factory %d ticks (%.3f%%), htop -d 10 %d ticks (%.3f%%): %@", idle, a,
                     Double(a) / hz / idle * 100, b, Double(b) / hz / idle * 100, a < b ? "PASS (lower)" : "FAIL"))
    }

}

/// What /proc says of a process: its CPU time and its memory.
enum ProcessStats {
    /// utime + stime of a process (and its children, when asked), in clock ticks.
    static func cpuTicks(_ pid: Int32, children withChildren: Bool = true) -> Int {
        var total = 0
        for p in [pid] + (withChildren ? children(pid) : []) {
            guard let text = try? String(contentsOfFile: "/proc/\(p)/stat", encoding: .utf8), let close = text.lastIndex(of: ")") else { continue }
            let f = text[text.index(after: close)...].split(separator: " ")
            if f.count > 12 { total += (Int(f[11]) ?? 0) + (Int(f[12]) ?? 0) }
        }
        return total
    }

    /// Resident memory in KiB (VmRSS).
    static func residentKiB(_ pid: Int32) -> Int {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    static func children(_ pid: Int32) -> [Int32] {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        return text.split(separator: " ").compactMap { Int32($0) }
    }

    static var ticksPerSecond: Double { Double(sysconf(Int32(_SC_CLK_TCK))) }
}

/// A private tmux server for measuring programs in a real terminal.
struct Tmux {
    let socket: String

    func run(_ args: [String]) -> ProcessResult { ProcessRunner.run(["tmux", "-L", socket] + args) }

    func start(_ name: String, width: Int, height: Int, command: String) throws {
        let r = run(["new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)", command])
        guard r.succeeded else { throw CLIError("tmux: \(r.firstErrorLine)") }
    }

    func capture(_ name: String) -> String { run(["capture-pane", "-p", "-t", name]).stdout }

    func waitFor(_ name: String, _ text: String, timeout: Double) -> Bool {
        let deadline = monotonicSeconds() + timeout
        while monotonicSeconds() < deadline {
            if capture(name).contains(text) { return true }
            usleep(1000)
        }
        return false
    }

    func pipe(_ name: String, to path: String) { _ = run(["pipe-pane", "-o", "-t", name, "cat >> \(path)"]) }

    /// The program in the pane (the pane's shell's child when there is a shell).
    func pid(_ name: String) -> Int32? {
        guard let pane = Int32(run(["display", "-p", "-t", name, "#{pane_pid}"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        let kids = ((try? String(contentsOfFile: "/proc/\(pane)/task/\(pane)/children", encoding: .utf8)) ?? "").split(separator: " ").compactMap { Int32($0) }
        return kids.first ?? pane
    }

    func kill() { _ = run(["kill-server"]) }
}
