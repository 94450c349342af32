import ArgumentParser
import FactoryEngine
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `factory bench keeper`: what the keeper costs an agent that floods its output — the same
/// bytes written through a keeper (capped, rotated log) and straight into a file, alternated.
struct KeeperBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keeper",
        abstract: "Measure the keeper: an agent printing 50 MB through its keeper beside writing the same bytes to a file."
    )
    @Option(help: "Megabytes the agent prints.") var megabytes = 50
    @Option(help: "Runs of each, alternated.") var runs = 5

    func run() throws {
        let dir = NSTemporaryDirectory() + "factory-bench-keeper-" + UUID().uuidString.prefix(8)
        let paths = WorkspacePaths(root: dir)
        try FileManager.default.createDirectory(atPath: paths.logs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bytes = megabytes * 1_048_576
        let agent = ["sh", "-c", "yes 'agent output: compiling Sources/App.swift, running tests, all fine' | head -c \(bytes)"]
        var direct: [Double] = [], kept: [Double] = []
        for _ in 0..<runs {
            direct.append(try timeDirect(agent, into: dir + "/direct.out"))
            kept.append(try timeKept(agent, paths: paths))
        }
        let mb = Double(bytes) / 1_048_576
        let d = median(direct), k = median(kept)
        print(String(format: "agent printing %d MB, median of %d: straight to a file %.0f ms (%.0f MB/s), through its keeper %.0f ms (%.0f MB/s)",
                     megabytes, runs, d * 1000, mb / d, k * 1000, mb / k))
        print(String(format: "keeper throughput beside a direct file write: %.2f× (1.00 = no cost); start to exit recorded, log capped at 1 MiB and rotated", d / k))
    }

    private func timeDirect(_ argv: [String], into path: String) throws -> Double {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CLIError("cannot open \(path)") }
        defer { close(fd) }
        let t0 = monotonicSeconds()
        let pid = try spawnProcess(argv, stdout: fd, stderr: fd)
        _ = waitForExit(pid)
        return monotonicSeconds() - t0
    }

    private func timeKept(_ argv: [String], paths: WorkspacePaths) throws -> Double {
        let ended = DispatchSemaphore(value: 0)
        let supervisor = AgentSupervisor(engineQueue: DispatchQueue(label: "bench"), paths: paths, factoryPath: executablePath()) { _ in ended.signal() }
        let t0 = monotonicSeconds()
        _ = try supervisor.spawn(role: "builder", argv: argv, directory: paths.root, environment: [:])
        guard ended.wait(timeout: .now() + 120) == .success else { throw CLIError("the kept agent did not end") }
        return monotonicSeconds() - t0
    }
}

/// `factory bench channel`: a command's round trip to a driving engine in another process,
/// over `.agent-comms/engine.sock`.
struct ChannelBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "channel",
        abstract: "Measure the command channel: round trips of ping and of a message to a driving factory run --headless."
    )
    @Option(help: "Pings to time.") var pings = 1000
    @Option(help: "Messages (written to PLAN.md) to time.") var messages = 200

    func run() throws {
        let dir = try DemoRepository.create(at: nil)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let paths = WorkspacePaths(root: dir)
        let driver = try spawnProcess([executablePath(), "run", "--headless"], directory: dir)
        defer {
            kill(driver, SIGTERM)
            _ = waitForExit(driver)
        }
        // The driver answers once its socket is open.
        _ = try send(.ping, paths, patience: 10)
        let ping = try (0..<pings).map { _ in try timed(.ping, paths) }
        let tell = try (0..<messages).map { i in try timed(.tell(role: "builder", text: "bench \(i)"), paths) }
        report("ping", ping)
        report("tell (a message appended to PLAN.md)", tell)
    }

    private func timed(_ command: EngineCommand, _ paths: WorkspacePaths) throws -> Double {
        let t0 = monotonicSeconds()
        _ = try send(command, paths)
        return monotonicSeconds() - t0
    }

    private func send(_ command: EngineCommand, _ paths: WorkspacePaths, patience: Double = 3) throws -> EngineAnswer {
        let answer: EngineAnswer
        do { answer = try CommandClient.send(command, to: paths.engineSocket, patience: patience) } catch { throw CLIError(error.description) }
        guard answer.ok else { throw CLIError("\(command.name) refused: \(answer.message)") }
        return answer
    }

    private func report(_ name: String, _ times: [Double]) {
        let sorted = times.sorted()
        let p50 = sorted[sorted.count / 2] * 1000, p99 = sorted[min(sorted.count - 1, sorted.count * 99 / 100)] * 1000
        print(String(format: "command round trip over the socket, %@: p50 %.2f ms, p99 %.2f ms over %d", name, p50, p99, times.count))
    }
}

/// `factory bench request`: a permission request, from the agent's write to the dashboard's
/// screen (a private tmux server), over many requests each answered with `factory allow`.
struct RequestBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "request",
        abstract: "Measure a permission request from the agent's write to the dashboard's screen (p50/p99)."
    )
    @Option(help: "Requests to time.") var requests = 100

    func run() throws {
        guard ProcessRunner.run(["tmux", "-V"]).succeeded else { throw CLIError("tmux is needed") }
        let dir = try DemoRepository.create(at: nil)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let paths = WorkspacePaths(root: dir)
        let role = "---\ncommand: [\"{factory}\", \"agent-sim\", \"--role\", \"{role}\", \"--plan\", \"{plan}\", \"--protocol\", \"claude\"]\nprotocol: claude\n---\n# builder\n"
        try role.write(toFile: paths.agents + "/builder.md", atomically: true, encoding: .utf8)
        let tmux = Tmux(socket: "factory-bench-request-\(getpid())")
        defer { tmux.kill() }
        let env = "LANG=C.UTF-8 TERM=xterm-256color FACTORY_SIM_ASK=builder FACTORY_SIM_ASK_TIMES=\(requests) FACTORY_SIM_PAUSE=0"
        try tmux.start("dash", width: 200, height: 40, command: "cd \(dir) && \(env) \(executablePath()) dashboard")
        guard tmux.waitFor("dash", "┌ agents", timeout: 10) else { throw CLIError("the dashboard did not draw") }
        _ = try CommandClient.send(.spawn(role: "builder"), to: paths.engineSocket, patience: 10)
        var latencies: [Double] = []
        var last = ""
        while latencies.count < requests {
            let deadline = monotonicSeconds() + 10
            var written: UInt64?
            while written == nil {
                guard monotonicSeconds() < deadline else { throw CLIError("request \(latencies.count) never appeared") }
                let screen = tmux.capture("dash")
                if let range = screen.range(of: "asks to run Bash: bench "), case let digits = screen[range.upperBound...].prefix(while: \.isNumber),
                   String(digits) != last, let ns = UInt64(digits) {
                    written = ns
                    last = String(digits)
                }
            }
            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - (written ?? 0)) / 1e9)
            let answer = try CommandClient.send(.allow(role: "builder", always: false), to: paths.engineSocket)
            guard answer.ok else { throw CLIError("allow refused: \(answer.message)") }
        }
        let sorted = latencies.sorted()
        let p50 = sorted[sorted.count / 2] * 1000, p99 = sorted[min(sorted.count - 1, sorted.count * 99 / 100)] * 1000
        print(String(format: "permission request, agent's write → on the dashboard's screen: p50 %.1f ms, p99 %.1f ms over %d (target p99 < 50 ms) %@",
                     p50, p99, requests, p99 < 50 ? "PASS" : "FAIL"))
        print("  (polled through tmux capture-pane, ~2 ms a poll: the figures include up to one poll)")
    }
}
