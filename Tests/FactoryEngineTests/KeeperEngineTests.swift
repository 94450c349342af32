@testable import FactoryEngine
import Foundation
import XCTest

/// Agents under their keepers, with real processes: what the engine learns and can do.
final class KeeperEngineTests: XCTestCase {
    /// A program that is not there: the real cause, in the snapshot and the attention queue.
    func testAnAgentThatCannotStartShowsTheRealCause() throws {
        let factory = try SimFactory(overrides: ["architect": "command: [\"no-such-agent-program\", \"{prompt}\"]\nretries: 0"])
        defer { factory.remove() }
        let engine = try factory.engine()
        defer { engine.shutdown() }
        try engine.start(feature: "Missing program")
        engine.drive()
        let blocked = waitFor(engine) { $0.phase == .blocked }
        let architect = blocked?.agents.first { $0.role == "architect" }
        XCTAssertEqual(architect?.state, .failed)
        XCTAssertEqual(architect?.problem, "cannot start no-such-agent-program: No such file or directory")
        XCTAssertTrue(blocked?.attention.contains { $0.message == "architect failed: cannot start no-such-agent-program: No such file or directory" } ?? false,
                      "\(blocked?.attention ?? [])")
        // No retry can help a program that is not there: it blocks at once, saying why.
        XCTAssertEqual(architect?.attempts, 1)
        XCTAssertEqual(blocked?.blockedReason, "architect: cannot start no-such-agent-program: No such file or directory")
    }

    /// Output is activity: an agent that only prints has a fresh "last activity", published
    /// while it runs.
    func testOutputCountsAsActivity() throws {
        let factory = try SimFactory(overrides: ["architect": "command: [\"sh\", \"-c\", \"for i in 1 2 3 4 5 6 7 8 9 10; do echo tick $i; sleep 0.3; done\"]\nstall: 2"])
        defer { factory.remove() }
        let engine = try factory.engine()
        defer { engine.shutdown() }
        try engine.start(feature: "Ticks")
        engine.drive()
        let started = Int(Date().timeIntervalSince1970)
        let fresh = waitFor(engine, timeout: 10) { snap in
            snap.agents.contains { $0.role == "architect" && $0.state == .running && ($0.worktree?.lastActivity ?? 0) >= started + 2 }
        }
        XCTAssertNotNil(fresh, "last activity follows the output while the agent runs")
    }

    /// Agents find this factory first on PATH, installed or not (their role files tell them
    /// to run `factory task set`).
    func testAgentsFindThisFactoryOnTheirPath() throws {
        let factory = try SimFactory(overrides: ["architect": "command: [\"sh\", \"-c\", \"command -v factory\"]\nretries: 0"])
        defer { factory.remove() }
        let engine = try factory.engine()
        defer { engine.shutdown() }
        try engine.start(feature: "Path")
        engine.drive()
        XCTAssertNotNil(waitFor(engine) { $0.agents.contains { $0.role == "architect" && !$0.state.isActive && $0.attempts > 0 } })
        let log = (try? String(contentsOfFile: factory.paths.logs + "/architect.log", encoding: .utf8)) ?? ""
        let printed = log.split(separator: "\n").filter { AttemptMark(logLine: $0) == nil }
        XCTAssertEqual(printed, [Substring(SimFactory.factoryBinary)], log)
    }

    /// A plain program gets an empty stdin at once (`claude -p` would wait for it).
    func testAPlainAgentReadsEndOfInputAtOnce() throws {
        let factory = try SimFactory(overrides: ["architect": "command: [\"sh\", \"-c\", \"cat; echo read-to-the-end\"]\nretries: 0"])
        defer { factory.remove() }
        let engine = try factory.engine()
        defer { engine.shutdown() }
        try engine.start(feature: "Stdin")
        engine.drive()
        let ended = waitFor(engine, timeout: 10) { $0.agents.contains { $0.role == "architect" && $0.state == .exited } || $0.phase == .blocked }
        XCTAssertNotNil(ended)
        let log = (try? String(contentsOfFile: factory.paths.logs + "/architect.log", encoding: .utf8)) ?? ""
        XCTAssertTrue(log.contains("read-to-the-end"), log)
    }

    /// An agent a human stops stays down, and says so; spawning it again starts its budget
    /// afresh.
    func testAStoppedAgentIsAnAttentionItemAndASpawnStartsAfresh() throws {
        let factory = try SimFactory(overrides: ["architect": "command: [\"sleep\", \"30\"]"])
        defer { factory.remove() }
        let engine = try factory.engine()
        defer { engine.shutdown() }
        try engine.start(feature: "Stopped")
        engine.drive()
        XCTAssertNotNil(waitFor(engine) { $0.agents.contains { $0.role == "architect" && $0.state == .running } })
        try engine.kill(role: "architect")
        let stopped = waitFor(engine) { $0.attention.contains { $0.kind == .stopped } }
        XCTAssertEqual(stopped?.attention.first { $0.kind == .stopped }?.role, "architect")
        XCTAssertEqual(stopped?.phase, .planning)
        XCTAssertEqual(try engine.perform(.spawn(role: "architect")).hasPrefix("architect started"), true)
        let again = engine.snapshot()
        XCTAssertEqual(again.agents.first { $0.role == "architect" }?.attempts, 1, "a human's spawn is not a retry")
        XCTAssertFalse(again.attention.contains { $0.kind == .stopped })
        try engine.kill(role: "architect")
    }

    /// An agent that ends at once — its keeper gone before anyone connects — still has its
    /// status known: watching falls back to the keeper's record.
    func testWatchingAKeeperThatIsAlreadyGoneReadsItsRecord() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        let (supervisor, paths, exits) = try keepers(in: repo)
        let ended = exits.ended
        let started = try supervisor.spawn(role: "architect", argv: ["sh", "-c", "exit 3"], directory: repo.path, environment: [:], watch: false)
        let run = paths.run("architect")
        let deadline = Date().addingTimeInterval(5)
        while (run.exitRecord == nil || FileManager.default.fileExists(atPath: run.socket)) && Date() < deadline { usleep(10_000) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.socket), "the keeper has gone")
        XCTAssertTrue(supervisor.watch(role: "architect", runID: started.runID, agentPid: started.agentPid))
        XCTAssertEqual(ended.wait(timeout: .now() + 5), .success, "the exit is reported")
        XCTAssertEqual(exits.exit?.status, 3)
    }

    /// An edited launch line applies to the next start, without a new engine.
    func testAnEditedRoleFileAppliesToTheNextStart() throws {
        let factory = try SimFactory(overrides: ["architect": "command: [\"no-such-agent-program\"]\nretries: 0"])
        defer { factory.remove() }
        let engine = try factory.engine()
        defer { engine.shutdown() }
        try engine.start(feature: "Edited role")
        engine.drive()
        XCTAssertNotNil(waitFor(engine) { $0.phase == .blocked })
        try "---\npreset: sim\n---\n# architect\n".write(toFile: factory.paths.agents + "/architect.md", atomically: true, encoding: .utf8)
        try engine.resume()
        XCTAssertNotNil(waitFor(engine, timeout: 30) { $0.phase == .done }, "the sim architect from the edited file ran")
    }

    /// Input through the keeper reaches the agent's stdin; a watcher with `output` gets the
    /// agent's output live; terminating ends the whole process group.
    func testTheKeeperPassesInputStreamsOutputAndEndsTheGroup() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        let (supervisor, paths, exits) = try keepers(in: repo)
        let ended = exits.ended
        // Echoes its input, and leaves a sleeping child in its group.
        let script = "sleep 300 & echo child $!; while read line; do echo \"got $line\"; done"
        let started = try supervisor.spawn(role: "builder", argv: ["sh", "-c", script], directory: repo.path, environment: [:], keepsInputOpen: true)
        let socket = paths.run("builder").socket
        let stream = try connect(socket)
        defer { close(stream) }
        XCTAssertTrue(writeAll(stream, JSONLine.encode(KeeperRequest(op: .watch, output: true))))
        let reply = try KeeperClient.ask(socket, KeeperRequest(op: .input, text: "hello keeper\n"))
        XCTAssertEqual(reply.ok, true)
        let streamed = try readUntil(stream) { String(decoding: $0, as: UTF8.self).contains("\"kind\":\"output\"") && decodedOutput($0).contains("got hello keeper") }
        XCTAssertTrue(decodedOutput(streamed).contains("got hello keeper"))
        let log = try String(contentsOfFile: paths.logs + "/builder.log", encoding: .utf8)
        let child = log.split(separator: "\n").first { $0.hasPrefix("child ") }.flatMap { Int32($0.dropFirst(6)) }
        XCTAssertNotNil(child, log)

        supervisor.terminate(role: "builder", pid: started.agentPid)
        XCTAssertEqual(ended.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(exits.exit?.signal, SIGTERM)
        if let child {
            let deadline = Date().addingTimeInterval(5)
            while kill(child, 0) == 0 && Date() < deadline { usleep(20_000) }
            XCTAssertNotEqual(kill(child, 0), 0, "the agent's child went with its group")
        }
        XCTAssertEqual(paths.run("builder").exitRecord?.signal, SIGTERM, "the exit is on record")
    }

    /// A supervisor of keepers in `repo`, and the box its exits land in.
    private func keepers(in repo: TempRepo) throws -> (AgentSupervisor, WorkspacePaths, ExitBox) {
        let paths = WorkspacePaths(root: repo.path)
        try FileManager.default.createDirectory(atPath: paths.logs, withIntermediateDirectories: true)
        let exits = ExitBox()
        let supervisor = AgentSupervisor(engineQueue: DispatchQueue(label: "test"), paths: paths, factoryPath: SimFactory.factoryBinary) { exit in
            exits.exit = exit
            exits.ended.signal()
        }
        return (supervisor, paths, exits)
    }

    /// Asked to, the keeper reads stderr apart: the live stream says which is which, and
    /// the log has both.
    func testTheKeeperCanKeepStderrApart() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        let (supervisor, paths, exits) = try keepers(in: repo)
        let script = "read go; echo '{\"type\":\"result\"}'; echo 'warning: slow disk' >&2"
        _ = try supervisor.spawn(role: "builder", argv: ["sh", "-c", script], directory: repo.path, environment: [:],
                                 keepsInputOpen: true, separatesErrors: true)
        let stream = try connect(paths.run("builder").socket)
        defer { close(stream) }
        XCTAssertTrue(writeAll(stream, JSONLine.encode(KeeperRequest(op: .watch, output: true))))
        XCTAssertEqual(try KeeperClient.ask(paths.run("builder").socket, KeeperRequest(op: .input, text: "go\n")).ok, true)
        let bytes = try readUntil(stream) { String(decoding: $0, as: UTF8.self).contains("\"kind\":\"exit\"") }
        let messages = bytes.split(separator: 0x0A).compactMap { JSONLine.decode(KeeperMessage.self, $0) }.filter { $0.kind == .output }
        let out = messages.filter { $0.stream == .out }.compactMap(\.data).map { String(decoding: $0, as: UTF8.self) }.joined()
        let err = messages.filter { $0.stream == .err }.compactMap(\.data).map { String(decoding: $0, as: UTF8.self) }.joined()
        XCTAssertEqual(out, "{\"type\":\"result\"}\n")
        XCTAssertEqual(err, "warning: slow disk\n")
        XCTAssertEqual(exits.ended.wait(timeout: .now() + 5), .success)
        let log = try String(contentsOfFile: paths.logs + "/builder.log", encoding: .utf8)
        XCTAssertTrue(log.contains("{\"type\":\"result\"}\n") && log.contains("warning: slow disk\n"), log)
    }

    private func connect(_ path: String) throws -> Int32 {
        do { return try UnixSocket.connect(to: path) } catch { throw XCTSkip("\(error)") }
    }

    /// Reads from a blocking socket until `done` holds for all bytes read (5 s at most).
    private func readUntil(_ fd: Int32, _ done: ([UInt8]) -> Bool) throws -> [UInt8] {
        var limit = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var all: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !done(all) {
            let n = read(fd, &buffer, buffer.count)
            guard n > 0 else { break }
            all += buffer[0..<n]
        }
        return all
    }
}

/// The output carried by the keeper's `output` messages among `bytes`.
private func decodedOutput(_ bytes: [UInt8]) -> String {
    bytes.split(separator: 0x0A).compactMap { JSONLine.decode(KeeperMessage.self, $0)?.data }
        .map { String(decoding: $0, as: UTF8.self) }.joined()
}

private final class ExitBox: @unchecked Sendable {
    var exit: AgentSupervisor.Exit?
    let ended = DispatchSemaphore(value: 0)
}
