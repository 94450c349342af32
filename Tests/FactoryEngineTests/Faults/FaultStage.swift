@testable import FactoryEngine
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// A folder beside the factory for misbehaving agents' scripts (a confined agent sees the
/// files its command names, read-only); what they start is found by its command line, as
/// seen from outside their sandbox (`running`).
struct FaultStage {
    let folder = NSTemporaryDirectory() + "factory-fault-" + UUID().uuidString

    init() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    /// A role's front matter that runs `script` under sh (`$STAGE` is this folder).
    func role(_ script: String, _ more: String = "retries: 0") throws -> String {
        let path = folder + "/\(UUID().uuidString).sh"
        try ("STAGE='\(folder)'\n" + script + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return "command: [\"sh\", \"\(path)\"]\n\(more)"
    }

    /// The pid of the process whose command line is `command` (`sleep 3101`: each test's
    /// sleeps have durations of their own), once it runs.
    func pid(running command: String, timeout: Double = 10) -> Int32? {
        var found: Int32?
        _ = eventually(timeout) {
            found = running(command).first
            return found != nil
        }
        return found
    }

    /// The processes whose command line is `command`, now.
    func running(_ command: String) -> [Int32] {
        ProcessTable.snapshot().filter { $0.command == command && isRunning($0.pid) }.map(\.pid)
    }

    func remove() { try? FileManager.default.removeItem(atPath: folder) }
}

/// Polls `condition` until it holds or `timeout` seconds pass; whether it held.
func eventually(_ timeout: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while !condition() {
        if Date() >= deadline { return false }
        usleep(20_000)
    }
    return true
}

/// The process runs (a zombie has ended: only its parent has not collected it yet).
func isRunning(_ pid: Int32) -> Bool {
    guard kill(pid, 0) == 0, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return false }
    return !stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
}

/// Resident memory of a process in bytes (VmRSS), nil when it has gone.
func residentBytes(_ pid: Int32 = getpid()) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return nil }
    return line.split(separator: " ").compactMap { Int($0) }.first.map { $0 * 1024 }
}

extension Snapshot {
    func agent(_ role: String) -> AgentSnapshot? { agents.first { $0.role == role } }
}

extension XCTestCase {
    /// A sim factory with `overrides`, its engine started on `feature` (not yet driving);
    /// the engine is shut down and the factory removed after the test.
    func started(_ feature: String, overrides: [String: String]) throws -> (SimFactory, Engine) {
        let factory = try SimFactory(overrides: overrides)
        addTeardownBlock { factory.remove() }
        let engine = try factory.engine()
        addTeardownBlock { engine.shutdown() }
        try engine.start(feature: feature)
        return (factory, engine)
    }
}

/// Tests of misbehaving agents: each gets a fresh stage, removed afterwards.
class FaultTestCase: XCTestCase {
    var stage: FaultStage!

    override func setUpWithError() throws { stage = try FaultStage() }
    override func tearDown() { stage.remove() }
}
