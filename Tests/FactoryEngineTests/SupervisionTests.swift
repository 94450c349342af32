@testable import FactoryEngine
import Foundation
import XCTest

final class SupervisionTests: XCTestCase {
    func testAnAgentWithNoOutputAndNoFileActivityIsStalled() throws {
        let factory = try SimFactory(overrides: ["builder": "stall: 0.5"])
        defer { factory.remove() }
        let engine = try factory.engine(environment: ["FACTORY_SIM_FAULT": "builder:idle"])
        defer { engine.shutdown() }
        try engine.start(feature: "Stall")
        engine.drive()
        let stalled = waitFor(engine) { $0.agents.contains { $0.role == "builder" && $0.state == .stalled } }
        XCTAssertTrue(stalled?.attention.contains { $0.kind == .stalled && $0.role == "builder" } ?? false)
        try engine.kill(role: "builder")
        let killed = waitFor(engine) { $0.agents.contains { $0.role == "builder" && $0.state == .killed } }
        XCTAssertNotNil(killed)
        // A killed agent stays down until someone spawns it.
        XCTAssertEqual(engine.snapshot().agents.first { $0.role == "builder" }?.state, .killed)
    }

    func testTheConcurrencyBudgetHoldsAgentsBack() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        var options = EngineOptions()
        options.autoApprove = true
        options.factoryPath = SimFactory.factoryBinary
        options.maxConcurrentAgents = 1
        options.agentEnvironment = ["FACTORY_SIM_PAUSE": "0.2"]
        let engine = try Engine(paths: factory.paths, options: options)
        defer { engine.shutdown() }
        let most = MaxBox()
        engine.subscribe { snap in most.see(snap.agents.filter { $0.state.isActive }.count) }
        try engine.start(feature: "One at a time")
        engine.drive()
        XCTAssertNotNil(waitFor(engine, timeout: 40) { $0.phase == .done })
        XCTAssertEqual(most.value, 1, "never more than one agent at once")
        let events = (try? String(contentsOfFile: factory.paths.events, encoding: .utf8)) ?? ""
        XCTAssertTrue(events.contains("waits: 1 agents already running"))
    }

    func testThePollingFallbackSeesChanges() throws {
        let dir = NSTemporaryDirectory() + "factory-poll-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let seen = DispatchSemaphore(value: 0)
        let watcher = FileWatcher(directories: [dir], queue: DispatchQueue(label: "poll"), forcePolling: true) { _ in seen.signal() }
        defer { watcher.stop() }
        XCTAssertFalse(watcher.usesInotify)
        try "x".write(toFile: dir + "/PLAN.md", atomically: true, encoding: .utf8)
        XCTAssertEqual(seen.wait(timeout: .now() + 5), .success)
    }

    func testInotifyFollowsPlanReplacedByRename() throws {
        let dir = NSTemporaryDirectory() + "factory-inotify-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let seen = DispatchSemaphore(value: 0)
        let watcher = FileWatcher(directories: [dir], only: [dir: ["PLAN.md"]], queue: DispatchQueue(label: "watch")) { _ in seen.signal() }
        defer { watcher.stop() }
        XCTAssertTrue(watcher.usesInotify)
        for i in 0..<3 {
            try "v\(i)".write(toFile: dir + "/.PLAN.md.tmp", atomically: false, encoding: .utf8)
            rename(dir + "/.PLAN.md.tmp", dir + "/PLAN.md")
            XCTAssertEqual(seen.wait(timeout: .now() + 2), .success, "replacement \(i) seen")
        }
        try "other".write(toFile: dir + "/notes.txt", atomically: false, encoding: .utf8)
        XCTAssertEqual(seen.wait(timeout: .now() + 0.3), .timedOut, "other files do not wake the engine")
    }
}

final class MaxBox: @unchecked Sendable {
    private let lock = NSLock()
    private var most = 0
    func see(_ n: Int) { lock.lock(); most = max(most, n); lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return most }
}
