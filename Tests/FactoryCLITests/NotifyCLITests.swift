import Foundation
import XCTest

/// Notifications by exception with real processes: `factory run --headless --notify CMD`
/// runs CMD once per new attention item, the item as one JSON object on its stdin.
final class NotifyCLITests: FactoryTestCase {
    /// The builder speaks stream-json and asks permission for a command.
    static let askingBuilder = "---\npreset: sim\ncommand: [\"{factory}\", \"agent-sim\", \"--role\", \"{role}\", \"--plan\", \"{plan}\", \"--protocol\", \"claude\"]\nprotocol: claude\n---\n# builder\n"

    /// The plan awaiting approval, then the builder's request: one event each, none again
    /// while the item stays (the queue is published again and again meanwhile), and the
    /// pipeline goes on to done once they are answered.
    func testTheCommandGetsOneEventPerNewAttentionItem() throws {
        let (repo, out, driver) = try driven(hook: "cat >> \"$1\"\necho \"said on stdout\"", environment: ["FACTORY_SIM_ASK": "builder"])
        defer { if driver.isRunning { driver.terminate() } }

        try waitUntil("the approval's event") { events(out).count == 1 }
        // While it waits, PLAN.md changes and the engine publishes again: nothing new alerts.
        for n in 1...3 { try ok("say", "--from", "builder", "--to", "architect", "still here \(n)", cwd: repo) }
        usleep(500_000)
        XCTAssertEqual(events(out).map { $0["kind"] as? String }, ["approval"])

        try ok("approve", cwd: repo)
        try waitUntil("the request's event", timeout: 40) { events(out).count == 2 }
        usleep(500_000)
        try ok("allow", "builder", cwd: repo)
        try waitUntil("the pipeline to finish", timeout: 60) { !driver.isRunning }
        XCTAssertEqual(driver.terminationStatus, 0)

        let all = events(out)
        XCTAssertEqual(all.map { $0["kind"] as? String }, ["approval", "request"], "\(all)")
        XCTAssertEqual(Set(all.compactMap { $0["id"] as? String }).count, 2, "no item twice")
        let request = try XCTUnwrap(all.last)
        XCTAssertEqual(Set(request.keys), ["kind", "role", "message", "id", "feature", "phase", "time", "root"])
        XCTAssertEqual(request["role"] as? String, "builder")
        XCTAssertEqual(request["feature"] as? String, "Greet")
        XCTAssertEqual(request["phase"] as? String, "implementation")
        XCTAssertEqual(request["root"] as? String, repo)
        XCTAssertTrue((request["id"] as? String ?? "").hasPrefix("request:builder:"), "\(request)")
        XCTAssertTrue((request["message"] as? String ?? "").contains("builder asks to run Bash: make release"), "\(request)")
        let log = (try? String(contentsOfFile: repo + "/.agent-comms/logs/notify.log", encoding: .utf8)) ?? ""
        XCTAssertEqual(log.components(separatedBy: "said on stdout").count - 1, 2, "the command's output is in its log:\n\(log)")
    }

    /// The merge conflict that blocks the pipeline ends `run --headless` (exit 3), and its
    /// event still reaches the command before the process exits.
    func testTheItemThatEndsTheRunIsNotifiedBeforeExit() throws {
        let (repo, out, driver) = try driven(hook: "sleep 0.3\ncat >> \"$1\"", environment: ["FACTORY_SIM_SCENARIO": "conflict"])
        defer { if driver.isRunning { driver.terminate() } }
        try waitUntil("the approval's event", timeout: 40) { events(out).count == 1 }
        try ok("approve", cwd: repo)
        try waitUntil("the pipeline to block", timeout: 60) { !driver.isRunning }
        XCTAssertEqual(driver.terminationStatus, 3)
        XCTAssertEqual(events(out).map { $0["kind"] as? String }, ["approval", "conflict"])
    }

    /// A command that fails is said once, as an event; the pipeline is not held up by it.
    func testAFailingCommandIsSaidOnce() throws {
        let (repo, _, driver) = try driven(hook: "exit 7", environment: ["FACTORY_SIM_ASK": "builder"])
        defer { if driver.isRunning { driver.terminate() } }
        try waitUntil("the plan to await approval", timeout: 40) { try self.factory(["status", "--json"], cwd: repo).stdout.contains("awaiting_approval") }
        try ok("approve", cwd: repo)
        try waitUntil("the request", timeout: 40) { try self.factory(["status", "--json"], cwd: repo).stdout.contains("waiting_input") }
        try ok("allow", "builder", cwd: repo)
        try waitUntil("the pipeline to finish", timeout: 60) { !driver.isRunning }
        XCTAssertEqual(driver.terminationStatus, 0)
        let said = try factory(["events"], cwd: repo).stdout.split(separator: "\n").filter { $0.contains("\"notify_failed\"") }
        XCTAssertEqual(said.count, 1, "\(said)")
        XCTAssertTrue(said.first?.contains("hook.sh exited with status 7") ?? false, "\(said)")
    }

    /// A broken config.yaml is a one-line error before anything runs.
    func testABrokenConfigFileIsAnError() throws {
        let repo = try makeSimRepo()
        try FileManager.default.createDirectory(atPath: root + "/config/factory", withIntermediateDirectories: true)
        try "desktop: loud\n".write(toFile: root + "/config/factory/config.yaml", atomically: true, encoding: .utf8)
        let driver = Process()
        driver.executableURL = URL(fileURLWithPath: Factory.binaryPath)
        driver.arguments = ["run", "--headless"]
        driver.currentDirectoryURL = URL(fileURLWithPath: repo)
        driver.environment = ProcessInfo.processInfo.environment.merging(["XDG_CONFIG_HOME": root + "/config"]) { $1 }
        let err = Pipe()
        driver.standardError = err
        driver.standardOutput = FileHandle.nullDevice
        try driver.run()
        driver.waitUntilExit()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertNotEqual(driver.terminationStatus, 0)
        XCTAssertTrue(text.contains("config.yaml: desktop must be true, false, osc9 or osc777"), text)
    }

    private func waitUntil(_ what: String, timeout: Double = 20, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while try !condition() {
            guard Date() < deadline else {
                XCTFail("timed out after \(timeout) s waiting for \(what)")
                throw CLIHarnessError.timedOut([what])
            }
            usleep(50_000)
        }
    }
}

/// The JSON objects of a file of JSON lines.
func events(_ path: String) -> [[String: Any]] {
    let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
}

extension FactoryTestCase {
    /// A factory of simulated agents whose builder speaks stream-json, its feature started,
    /// driven by `run --headless --notify HOOK OUT`, HOOK a shell script of `body` (OUT is its $1).
    func driven(hook body: String, environment: [String: String]) throws -> (repo: String, out: String, driver: Process) {
        let repo = try makeSimRepo()
        try NotifyCLITests.askingBuilder.write(toFile: repo + "/agents/builder.md", atomically: true, encoding: .utf8)
        let out = root + "/notified.jsonl", hook = root + "/hook.sh"
        try "#!/bin/sh\n\(body)\n".write(toFile: hook, atomically: true, encoding: .utf8)
        chmod(hook, 0o755)
        try ok("start", "Greet", cwd: repo)
        let driver = try startDriver(in: repo, arguments: ["--notify", hook, out],
                                     environment: environment.merging(["XDG_CONFIG_HOME": root + "/config"]) { $1 })
        return (repo, out, driver)
    }
}
