@testable import FactoryEngine
import Foundation
import PlanDocument
import XCTest

/// Notifications by exception: which items alert (by identity, not wording), the notify
/// command as a real process, and the settings file.
final class NotifyTests: XCTestCase {
    private func request(_ id: String, role: String = "builder", _ text: String = "builder asks to run Bash: make") -> Attention {
        Attention(kind: .request, role: role, message: text, about: id)
    }

    // MARK: identity

    func testTheSameItemAlertsOnceWhileItsTextChanges() {
        var alerts = AttentionAlerts()
        let budget = { (spent: String) in Attention(kind: .budget, role: nil, message: "the feature has spent \(spent) of its $5.00 budget", about: "$5.00") }
        XCTAssertEqual(alerts.fresh(in: [budget("$5.01")]).map(\.message), ["the feature has spent $5.01 of its $5.00 budget"])
        XCTAssertEqual(alerts.fresh(in: [budget("$5.02")]), [], "a changed cost is the same item")
        XCTAssertEqual(alerts.fresh(in: [budget("$5.40"), budget("$5.40")]), [], "and it is one item however often it is listed")
    }

    func testANewRequestAlertsAgain() {
        var alerts = AttentionAlerts()
        XCTAssertEqual(alerts.fresh(in: [request("r1")]).map(\.id), ["request:builder:r1"])
        XCTAssertEqual(alerts.fresh(in: [request("r1", "builder asks to run Bash: make (+1 more)")]), [])
        XCTAssertEqual(alerts.fresh(in: [request("r2")]).map(\.id), ["request:builder:r2"], "answered, then a new request at once")
        XCTAssertEqual(alerts.fresh(in: [request("r2"), request("r3", role: "tester")]).map(\.id), ["request:tester:r3"])
    }

    func testAnItemThatLeavesAndComesBackAlertsAgain() {
        var alerts = AttentionAlerts()
        let approval = Attention(kind: .approval, role: "architect", message: "the plan awaits approval", about: "Greet")
        XCTAssertEqual(alerts.fresh(in: [approval]).count, 1)
        XCTAssertEqual(alerts.fresh(in: []), [], "rejected: planning again")
        XCTAssertEqual(alerts.fresh(in: [approval]).count, 1, "the new plan awaits approval")
    }

    func testNothingAlertsAboutTheAgentLookedAt() {
        var alerts = AttentionAlerts()
        let conflict = Attention(kind: .conflict, role: nil, message: "merge conflict in a.txt", about: "a.txt")
        XCTAssertEqual(alerts.fresh(in: [request("r1"), conflict], lookingAt: "builder").map(\.id), [conflict.id],
                       "the builder's request is seen in its detail view; the conflict is nobody's")
        XCTAssertEqual(alerts.fresh(in: [request("r1"), conflict]), [], "seen, so not news after looking away either")
        XCTAssertEqual(alerts.fresh(in: [request("r2"), conflict]).map(\.id), ["request:builder:r2"])
    }

    func testAttentionJSONKeepsItsKeysAndAddsTheID() throws {
        let item = request("r9")
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(item)) as? [String: Any]
        XCTAssertEqual(Set(json?.keys.map { $0 } ?? []), ["kind", "role", "message", "id"])
        XCTAssertEqual(json?["id"] as? String, "request:builder:r9")
    }

    // MARK: the command

    func testTheCommandReadsTheEventAsJSONOnStdin() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hook = NotifyHook(argv: ["sh", "-c", "cat >> events.jsonl; echo said-on-stdout; echo said-on-stderr >&2"], directory: dir, log: dir + "/notify.log")
        let failures = Failures()
        let event = NotifyEvent(request("r1", "builder asks to run Bash: echo \u{1B}]2;x\u{07}"), in: snapshot(), root: "/repo")
        hook.run(event) { failures.add($0) }
        hook.settle()
        XCTAssertEqual(failures.all, [nil])
        let text = try String(contentsOfFile: dir + "/events.jsonl", encoding: .utf8)
        XCTAssertEqual(text.split(separator: "\n").count, 1, text)
        XCTAssertFalse(text.contains("\u{1B}"), "no raw control reaches the command")
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        XCTAssertEqual(json["kind"] as? String, "request")
        XCTAssertEqual(json["role"] as? String, "builder")
        XCTAssertEqual(json["id"] as? String, "request:builder:r1")
        XCTAssertEqual(json["feature"] as? String, "Greet")
        XCTAssertEqual(json["phase"] as? String, "implementation")
        XCTAssertEqual(json["root"] as? String, "/repo")
        XCTAssertEqual(json["time"] as? Double, 1000)
        XCTAssertEqual(json["message"] as? String, "builder asks to run Bash: echo \u{1B}]2;x\u{07}")
        let log = try String(contentsOfFile: dir + "/notify.log", encoding: .utf8)
        XCTAssertTrue(log.contains("said-on-stdout") && log.contains("said-on-stderr"), "its output goes to the log: \(log)")
    }

    func testACommandThatHangsIsStoppedAndOneThatFailsSaysWhy() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let failures = Failures()
        let started = Date()
        NotifyHook(argv: ["sh", "-c", "sleep 30 & sleep 30"], directory: dir, log: dir + "/notify.log", timeout: 0.5).run(NotifyEvent(request("r1"), in: snapshot(), root: dir)) { failures.add($0) }
        let failing = NotifyHook(argv: ["sh", "-c", "exit 3"], directory: dir, log: dir + "/notify.log")
        failing.run(NotifyEvent(request("r2"), in: snapshot(), root: dir)) { failures.add($0) }
        let missing = NotifyHook(argv: ["no-such-notify-command"], directory: dir, log: dir + "/notify.log")
        missing.run(NotifyEvent(request("r3"), in: snapshot(), root: dir)) { failures.add($0) }
        try waitUntil { failures.all.count == 3 }
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "the hanging command was stopped at its timeout")
        let said = failures.all.compactMap { $0 }
        XCTAssertTrue(said.contains { $0.contains("sh did not finish within 0.5 s and was stopped") }, "\(said)")
        XCTAssertTrue(said.contains("the notify command sh exited with status 3"), "\(said)")
        XCTAssertTrue(said.contains { $0.contains("cannot run no-such-notify-command") }, "\(said)")
    }

    /// A real engine: the command runs once per new item (the plan awaiting approval, then a
    /// permission request), and a command that fails is said once as an event.
    func testTheDrivingEngineAlertsOncePerItemAndSaysAFailureOnce() throws {
        let factory = try SimFactory(overrides: ["builder": ProtocolSimTests.speaking])
        defer { factory.remove() }
        let engine = try factory.engine(autoApprove: false, environment: ["FACTORY_SIM_ASK": "builder"])
        defer { engine.shutdown() }
        let notifier = Notifier(paths: factory.paths, command: ["false"])
        let heard = Heard()
        notifier.onAlert { heard.add($0) }
        notifier.watch(engine)
        try engine.start(feature: "Asked")
        engine.drive()
        XCTAssertNotNil(waitFor(engine, timeout: 40) { $0.phase == .awaitingApproval })
        _ = try engine.perform(.approve(note: nil))
        let asking = waitFor(engine, timeout: 40) { $0.agents.contains { $0.request != nil } }
        let requestID = try XCTUnwrap(asking?.agents.first { $0.role == "builder" }?.request?.requestID)
        try waitUntil { heard.ids.count == 2 }
        notifier.settle()
        XCTAssertEqual(heard.ids, ["approval:architect:Asked", "request:builder:\(requestID)"])
        try waitUntil {
            let events = (try? String(contentsOfFile: factory.paths.events, encoding: .utf8)) ?? ""
            return events.contains("notify_failed")
        }
        usleep(200_000)
        let events = try String(contentsOfFile: factory.paths.events, encoding: .utf8)
        XCTAssertEqual(events.components(separatedBy: "\"notify_failed\"").count - 1, 1, events)
        XCTAssertTrue(events.contains("the notify command false exited with status 1"), events)
        let notified = try JSONDecoder().decode([String].self, from: Data(contentsOf: URL(fileURLWithPath: factory.paths.notified)))
        XCTAssertEqual(notified, ["request:builder:\(requestID)"], "what was alerted and is still in the queue")
        _ = try engine.perform(.allow(role: "builder", always: false))
    }

    // MARK: settings

    func testSettingsFromConfigYAML() throws {
        XCTAssertEqual(try NotifySettings.parse("notify: [\"notify-send\", \"factory\"]\ndesktop: true\nbell: true\n"),
                       NotifySettings(command: ["notify-send", "factory"], desktop: .osc9, bell: true))
        XCTAssertEqual(try NotifySettings.parse("notify: notify-send -u critical\ndesktop: osc777\n"),
                       NotifySettings(command: ["notify-send", "-u", "critical"], desktop: .osc777))
        XCTAssertEqual(try NotifySettings.parse("notify:\n  - /bin/my notifier\n  - --loud\n"), NotifySettings(command: ["/bin/my notifier", "--loud"]))
        XCTAssertEqual(try NotifySettings.parse(""), NotifySettings())
        XCTAssertEqual(try NotifySettings.load("/nonexistent/config.yaml"), NotifySettings())
        for bad in ["notify: {a: 1}", "desktop: loud", "bell: maybe", "- a\n- b", "notify: [\"x\""] {
            XCTAssertThrowsError(try NotifySettings.parse(bad, file: "config.yaml"), bad) { error in
                XCTAssertTrue("\(error)".hasPrefix("config.yaml"), "\(error)")
            }
        }
    }

    // MARK: helpers

    private func snapshot() -> Snapshot {
        Snapshot(phase: .implementation, feature: "Greet", agents: [], attention: [], tasks: TaskCounts(done: 0, total: 0),
                 blockedReason: nil, conflicts: [], plan: PlanDocument(bytes: []).view, time: 1000)
    }

    private func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "factory-notify-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    private func waitUntil(timeout: Double = 20, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            guard Date() < deadline else { return XCTFail("condition not met within \(timeout) s") }
            usleep(20_000)
        }
    }
}

/// What concurrent work reports (nil: fine), kept under a lock.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String?] = []
    func add(_ failure: String?) { lock.lock(); list.append(failure); lock.unlock() }
    var all: [String?] { lock.lock(); defer { lock.unlock() }; return list }
}

private final class Heard: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [NotifyEvent] = []
    func add(_ event: NotifyEvent) { lock.lock(); events.append(event); lock.unlock() }
    var ids: [String] { lock.lock(); defer { lock.unlock() }; return events.map(\.id) }
}
