@testable import FactoryEngine
import Foundation
import XCTest

/// A factory in a temporary repository whose agents are the simulated agent.
struct SimFactory {
    let repo: TempRepo
    var paths: WorkspacePaths { WorkspacePaths(root: repo.path) }

    /// `overrides` replaces a role's front matter (`"timeout: 1\nretries: 0"`).
    init(overrides: [String: String] = [:]) throws {
        repo = try TempRepo()
        _ = try FactoryInit.run(in: repo.path, preset: "sim", today: "2026-11-25")
        for (role, front) in overrides {
            try "---\npreset: sim\n\(front)\n---\n# \(role)\n".write(toFile: "\(repo.path)/agents/\(role).md", atomically: true, encoding: .utf8)
        }
    }

    /// Ends every agent the tests left running (an engine that stops leaves its agents
    /// running on purpose), then removes the repository.
    func remove() {
        if let state = StateStore(path: paths.state).load() {
            for run in state.runs.values { if let pid = run.pid { kill(-pid, SIGKILL); kill(pid, SIGKILL) } }
        }
        repo.remove()
    }

    static var factoryBinary: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("factory").path
    }

    func engine(autoApprove: Bool = true, environment: [String: String] = [:], validationRetries: Int = 2) throws -> Engine {
        var options = EngineOptions()
        options.autoApprove = autoApprove
        options.factoryPath = Self.factoryBinary
        options.agentEnvironment = environment
        options.validationRetries = validationRetries
        return try Engine(paths: paths, options: options)
    }
}

/// Waits for a snapshot that satisfies `condition` (polling the engine's published
/// snapshots, never sleeping a fixed time).
func waitFor(_ engine: Engine, timeout: Double = 20, file: StaticString = #filePath, line: UInt = #line,
             _ condition: @escaping @Sendable (Snapshot) -> Bool) -> Snapshot? {
    let matched = DispatchSemaphore(value: 0)
    let box = SnapshotBox()
    engine.subscribe { snap in
        if box.take(snap, condition) { matched.signal() }
    }
    if matched.wait(timeout: .now() + timeout) == .timedOut {
        XCTFail("condition not met within \(timeout) s; last phase \(engine.snapshot().phase.rawValue)", file: file, line: line)
        return nil
    }
    return box.value
}

final class SnapshotBox: @unchecked Sendable {
    private let lock = NSLock()
    private var found: Snapshot?
    private var done = false
    func take(_ snap: Snapshot, _ condition: (Snapshot) -> Bool) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard !done, condition(snap) else { return false }
        found = snap
        done = true
        return true
    }
    var value: Snapshot? { lock.lock(); defer { lock.unlock() }; return found }
}
