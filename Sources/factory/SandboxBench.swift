import ArgumentParser
import FactoryEngine
import Foundation

/// `factory bench sandbox`: what confining an agent costs — its start (the keeper, the
/// sandbox, the agent, its end on record) and its output through the keeper, each measured
/// confined and unconfined side by side, alternated, in one run.
struct SandboxBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Measure the sandbox: an agent's start (p50/p99) and its output through the keeper, confined beside unconfined."
    )
    @Option(help: "Starts of each to time.") var starts = 200
    @Option(help: "Megabytes the agent prints in each output run.") var megabytes = 100
    @Option(help: "Output runs of each, alternated.") var runs = 9

    func run() throws {
        guard let program = SandboxSupport.current.program else { throw CLIError(SandboxSupport.current.warning ?? "bubblewrap is missing") }
        let dir = try DemoRepository.create(at: nil)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clones = AgentClones(paths: WorkspacePaths(root: dir), support: .available(program: program))
        let bench = Bench(clones: clones, factory: executablePath())

        // Starts: `true` as the agent, from the spawn to its exit on record. Confined, the
        // start also fills the agent's home, as the engine does at every start.
        var open: [Double] = [], confined: [Double] = []
        // Alternated, each first every other time: a machine that slows down or speeds up
        // weighs on both alike.
        for i in 0..<starts {
            if i % 2 == 1 { confined.append(try bench.time(["true"], confined: true)) }
            open.append(try bench.time(["true"], confined: false))
            if i % 2 == 0 { confined.append(try bench.time(["true"], confined: true)) }
        }
        let (o50, o99) = percentiles(open), (c50, c99) = percentiles(confined)
        print(String(format: "agent start to its exit on record, %d each: unconfined p50 %.1f ms p99 %.1f ms; confined p50 %.1f ms p99 %.1f ms",
                     starts, o50 * 1000, o99 * 1000, c50 * 1000, c99 * 1000))
        print(String(format: "  the sandbox adds %.1f ms at p50, %.1f ms at p99 (target: under 20 ms) %@",
                     (c50 - o50) * 1000, (c99 - o99) * 1000, c50 - o50 < 0.020 ? "PASS" : "FAIL"))

        // Output: the agent floods its stdout through its keeper into the capped log.
        let bytes = megabytes * 1_048_576
        let flood = ["sh", "-c", "yes 'agent output: compiling Sources/App.swift, running tests, all fine' | head -c \(bytes)"]
        var plain: [Double] = [], boxed: [Double] = []
        for i in 0..<runs {
            if i % 2 == 1 { boxed.append(try bench.time(flood, confined: true)) }
            plain.append(try bench.time(flood, confined: false))
            if i % 2 == 0 { boxed.append(try bench.time(flood, confined: true)) }
        }
        // The output's own time: a run's, less that mode's start and end (the figures above).
        let mb = Double(bytes) / 1_048_576, p = median(plain) - o50, b = median(boxed) - c50
        print(String(format: "agent printing %d MB through its keeper, median of %d, start and end taken off: unconfined %.0f ms (%.0f MB/s), confined %.0f ms (%.0f MB/s)",
                     megabytes, runs, p * 1000, mb / p, b * 1000, mb / b))
        print("  each whole run, unconfined: \(plain.map { String(format: "%.0f", $0 * 1000) }.joined(separator: " ")) ms; "
              + "confined: \(boxed.map { String(format: "%.0f", $0 * 1000) }.joined(separator: " ")) ms")
        print(String(format: "  confined throughput beside unconfined: %.2f× (target: within 10%%, 0.90× or more) %@", p / b, p / b >= 0.9 ? "PASS" : "FAIL"))
    }

    private func percentiles(_ times: [Double]) -> (Double, Double) {
        let sorted = times.sorted()
        return (sorted[sorted.count / 2], sorted[min(sorted.count - 1, sorted.count * 99 / 100)])
    }

    /// One agent at a time as the builder, under its keeper.
    private struct Bench {
        let clones: AgentClones
        let factory: String

        func time(_ argv: [String], confined: Bool) throws -> Double {
            let ended = DispatchSemaphore(value: 0)
            let paths = clones.paths
            let status = ExitBox()
            let supervisor = AgentSupervisor(engineQueue: DispatchQueue(label: "bench"), paths: paths, factoryPath: factory) { exit in
                status.exit = exit
                ended.signal()
            }
            let t0 = monotonicSeconds()
            var environment: [String: String] = [:], sandbox: SandboxSpec?
            if confined {
                do {
                    try paths.run("builder").makeWritablePlaces()
                    environment = try AgentHome(paths.run("builder")).prepare(from: ProcessInfo.processInfo.environment)
                } catch { throw CLIError(error.description) }
                sandbox = clones.sandbox("builder")
            }
            _ = try supervisor.spawn(role: "builder", argv: argv, directory: paths.worktree("builder"), environment: environment, sandbox: sandbox)
            guard ended.wait(timeout: .now() + 120) == .success else { throw CLIError("the agent did not end") }
            let elapsed = monotonicSeconds() - t0
            // A run that failed measured nothing (a sandbox that could not be made ends at once).
            guard let exit = status.exit, exit.status == 0 else {
                let how = status.exit.map { "status \($0.status.map(String.init) ?? "-"), signal \($0.signal.map(String.init) ?? "-"), \($0.problem ?? "")" } ?? "no exit"
                throw CLIError("the \(confined ? "confined" : "unconfined") agent ended badly (\(how)); see \(paths.logs)/builder.log")
            }
            return elapsed
        }
    }

    private final class ExitBox: @unchecked Sendable { var exit: AgentSupervisor.Exit? }
}
