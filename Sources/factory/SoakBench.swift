import ArgumentParser
import FactoryEngine
import Foundation
import PlanDocument
#if canImport(Glibc)
import Glibc
#endif

/// `factory bench soak`: hours of use pressed into minutes. A dashboard in a real terminal
/// (tmux) watches a PLAN.md that a writer appends a message to every 10 ms, while
/// `factory demo --headless` runs the whole pipeline again and again beside it. It checks
/// what a person leaving factory open all day relies on: memory that does not creep, no
/// message lost, and a screen that never stops following.
struct SoakBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Soak the dashboard: a message every 10 ms plus factory demo --headless in a loop; memory, lost messages, stuck frames.",
        discussion: "Exits 1 when a message is lost, a frame is stuck (the screen stops following for 2 s or a key goes unanswered), a demo fails, or memory is not flat."
    )
    @Option(help: "Seconds to run.") var seconds = 600.0
    @Option(help: "Milliseconds between appended messages.") var interval = 10.0
    @Flag(help: "Print the figures as one JSON object.") var json = false

    func run() throws {
        guard ProcessRunner.run(["tmux", "-V"]).succeeded else { throw CLIError("tmux is needed (apt-get install tmux)") }
        let dir = try DemoRepository.create(at: nil)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tmux = Tmux(socket: "factory-soak-\(getpid())")
        defer { tmux.kill() }
        try tmux.start("dash", width: 120, height: 40, command: "cd \(dir) && LANG=C.UTF-8 TERM=xterm-256color \(executablePath()) dashboard")
        guard tmux.waitFor("dash", "┌ agents", timeout: 10), let pid = tmux.pid("dash") else { throw CLIError("the dashboard did not draw") }

        let writer = SoakWriter(plan: WorkspacePaths(root: dir).plan, interval: interval / 1000)
        let demos = DemoLoop()
        let deadline = monotonicSeconds() + seconds
        Thread.detachNewThread { writer.run(until: deadline) }
        Thread.detachNewThread { demos.run(until: deadline) }
        let watch = SoakWatch(tmux: tmux, pid: pid)
        watch.observe(until: deadline, written: { writer.written })
        writer.waitUntilDone()
        demos.waitUntilDone()
        let shownLast = watch.waitForNumber(writer.written - 1, timeout: 5)
        // At rest: what the dashboard keeps once the stream has stopped, to compare with a
        // dashboard that never saw it.
        sleep(3)
        let restKiB = ProcessStats.residentKiB(pid)
        let fresh = try freshDashboardKiB(tmux, dir: dir)
        let found = SoakWriter.numbersIn(plan: WorkspacePaths(root: dir).plan)
        let result = SoakResult(seconds: seconds, interval: interval / 1000, written: writer.written, writeErrors: writer.errors, found: found, shownLast: shownLast,
                                watch: watch, demos: demos.runs, demoFailures: demos.failures,
                                planBytes: (try? FileManager.default.attributesOfItem(atPath: WorkspacePaths(root: dir).plan)[.size] as? Int) ?? 0,
                                freshKiB: fresh, restKiB: restKiB)
        json ? print(result.json) : result.printReport()
        guard result.passed else { throw ExitCode(1) }
    }
}

extension SoakBench {
    /// The memory of a dashboard started now on the same PLAN.md (it watches the first),
    /// once it has drawn the newest message and settled.
    func freshDashboardKiB(_ tmux: Tmux, dir: String) throws -> Int {
        try tmux.start("fresh", width: 120, height: 40, command: "cd \(dir) && LANG=C.UTF-8 TERM=xterm-256color \(executablePath()) dashboard")
        guard tmux.waitFor("fresh", "┌ agents", timeout: 10), let pid = tmux.pid("fresh") else { throw CLIError("the second dashboard did not draw") }
        sleep(3)
        return ProcessStats.residentKiB(pid)
    }
}

/// Appends `soak#N` messages through the locked PlanFile path, one every interval, as
/// agents using `factory say` do.
final class SoakWriter: @unchecked Sendable {
    let plan: String, interval: Double
    private let lock = NSLock(), done = DispatchSemaphore(value: 0)
    private var count = 0, failed: [String] = []

    init(plan: String, interval: Double) { self.plan = plan; self.interval = interval }

    var written: Int { lock.withLock { count } }
    var errors: [String] { lock.withLock { failed } }

    func run(until deadline: Double) {
        let file = PlanFile(path: plan)
        var next = monotonicSeconds()
        while monotonicSeconds() < deadline {
            let n = written
            do {
                _ = try file.update([.appendMessage(from: "Builder", to: ["Tester"], body: "soak#\(n) the writer's message number \(n)", time: "10:25")])
                lock.withLock { count += 1 }
            } catch {
                lock.withLock { failed.append("\(error)") }
            }
            next += interval
            let wait = next - monotonicSeconds()
            if wait > 0 { usleep(UInt32(wait * 1_000_000)) } else { next = monotonicSeconds() }
        }
        done.signal()
    }

    func waitUntilDone() { done.wait() }

    /// The message numbers PLAN.md holds, read back through the parser.
    static func numbersIn(plan: String) -> [Int] {
        guard let doc = try? PlanFile(path: plan).read() else { return [] }
        return doc.view.messages.compactMap { number(in: $0.body) }
    }

    static func number(in text: some StringProtocol) -> Int? {
        guard let mark = text.range(of: "soak#") else { return nil }
        return Int(text[mark.upperBound...].prefix { $0.isNumber })
    }
}

/// `factory demo --headless` again and again: each run builds a repository, runs the whole
/// pipeline with simulated agents and merges.
final class DemoLoop: @unchecked Sendable {
    private let lock = NSLock(), done = DispatchSemaphore(value: 0)
    private var count = 0, failed: [String] = []

    var runs: Int { lock.withLock { count } }
    var failures: [String] { lock.withLock { failed } }

    func run(until deadline: Double) {
        while monotonicSeconds() < deadline {
            let r = ProcessRunner.run([executablePath(), "demo", "--headless"])
            lock.withLock {
                count += 1
                if !r.succeeded { failed.append("run \(count): exit \(r.status): \(r.firstErrorLine)") }
            }
        }
        done.signal()
    }

    func waitUntilDone() { done.wait() }
}

/// Watches the dashboard once a second: its memory, a key answered, and the newest message
/// on screen catching up with the newest written.
final class SoakWatch {
    let tmux: Tmux, pid: Int32
    private(set) var memoryKiB: [Int] = [], keys: [Double] = [], catchUps: [Double] = [], stuck: [String] = []
    private var helpOpen = false

    init(tmux: Tmux, pid: Int32) { self.tmux = tmux; self.pid = pid }

    func observe(until deadline: Double, written: () -> Int) {
        while monotonicSeconds() < deadline {
            let second = monotonicSeconds()
            memoryKiB.append(ProcessStats.residentKiB(pid))
            // Open and close: the help covers the messages pane the next look reads.
            pressHelp()
            pressHelp()
            let target = written() - 1
            if target >= 0 {
                let t = monotonicSeconds()
                if waitForNumber(target, timeout: 2) { catchUps.append(monotonicSeconds() - t) } else {
                    stuck.append("message \(target) not on screen after 2 s")
                }
            }
            let rest = 1 - (monotonicSeconds() - second)
            if rest > 0 { usleep(UInt32(rest * 1_000_000)) }
        }
    }

    /// `?` opens or closes the help: timed until the screen shows it.
    private func pressHelp() {
        let t = monotonicSeconds()
        _ = tmux.run(["send-keys", "-t", "dash", "?"])
        helpOpen.toggle()
        while tmux.capture("dash").contains("keys (? or Esc to close)") != helpOpen {
            guard monotonicSeconds() - t < 2 else { stuck.append("key unanswered for 2 s"); return }
            usleep(2000)
        }
        keys.append(monotonicSeconds() - t)
    }

    /// Whether a message numbered `number` or later shows within `timeout` seconds.
    func waitForNumber(_ number: Int, timeout: Double) -> Bool {
        let deadline = monotonicSeconds() + timeout
        repeat {
            let shown = tmux.capture("dash").split(separator: "\n").compactMap { SoakWriter.number(in: $0) }.max() ?? -1
            if shown >= number { return true }
            usleep(5000)
        } while monotonicSeconds() < deadline
        return false
    }
}
