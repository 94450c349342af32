@testable import FactoryEngine
import Foundation
import XCTest

/// The detail view's sources: the log followed as it grows (only new bytes read, rotation
/// followed), the attempt marks the keeper writes, and the live feed an engine gives.
final class AgentFeedTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "agent-feed-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func append(_ text: String, to path: String) throws {
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    func logLines(_ feed: FeedBuffer) -> [String] {
        feed.lines.map { line in
            switch line {
            case .log(let text): return text
            case .attempt(let mark): return "#\(mark.attempt)"
            case .activity(let item): return item.oneLine
            }
        }
    }

    func testAnAttemptMarkIsALineAPersonCanReadAndTheViewRecognises() {
        let mark = AttemptMark(attempt: 2, phase: "implementation", startedAt: 1_795_568_867.75)
        XCTAssertEqual(mark.logLine, "── factory: attempt 2 · implementation · started 2026-11-25T01:07:47Z ──")
        XCTAssertEqual(AttemptMark(logLine: mark.logLine), AttemptMark(attempt: 2, phase: "implementation", startedAt: 1_795_568_867))
        let bare = AttemptMark(attempt: 1, phase: nil, startedAt: 60)
        XCTAssertEqual(AttemptMark(logLine: bare.logLine), bare)
        for text in ["── factory: attempt two · started 2026-11-25T21:07:47Z ──", "── factory: attempt 2", "attempt 2", ""] {
            XCTAssertNil(AttemptMark(logLine: text), text)
        }
    }

    func testNumbersStayWithTheirLinesAsOldOnesAreDropped() {
        var feed = FeedBuffer(limit: 3)
        feed.append(contentsOf: (0..<5).map { AgentFeedLine.log("l\($0)") })
        XCTAssertEqual(logLines(feed), ["l2", "l3", "l4"])
        XCTAssertEqual(feed.firstNumber, 2)
        XCTAssertEqual(feed.endNumber, 5)
        XCTAssertEqual(Array(feed.lines(3..<4)), [.log("l3")])
        XCTAssertEqual(Array(feed.lines(0..<3)), [.log("l2")], "lines gone are not made up")
        XCTAssertEqual(Array(feed.lines(4..<9)), [.log("l4")])
    }

    /// Each refresh reads only what was added; an unfinished line shows as the open line
    /// until its newline comes.
    func testTheLogIsReadAsItGrows() throws {
        let path = folder + "/builder.log"
        var follower = LogFollower(path: path)
        XCTAssertFalse(follower.refresh(), "no log yet")
        try append("one\ntwo\nthr", to: path)
        XCTAssertTrue(follower.refresh())
        XCTAssertEqual(logLines(follower.feed), ["one", "two"])
        XCTAssertEqual(follower.openLine, "thr")
        XCTAssertFalse(follower.refresh(), "nothing new")
        try append("ee\r\n" + AttemptMark(attempt: 2, phase: nil, startedAt: 0).logLine + "\nfour\n", to: path)
        XCTAssertTrue(follower.refresh())
        XCTAssertEqual(logLines(follower.feed), ["one", "two", "three", "#2", "four"])
        XCTAssertNil(follower.openLine)
    }

    /// The first read takes the end of a long log, from the start of a line; a line longer
    /// than the limit is cut.
    func testTheFirstReadIsACappedTail() throws {
        let path = folder + "/builder.log"
        try append((1...1000).map { "line \($0)\n" }.joined() + String(repeating: "x", count: 300) + "\n", to: path)
        var follower = LogFollower(path: path, lines: 50, tailBytes: 2_000, lineLimit: 100)
        follower.refresh()
        let lines = logLines(follower.feed)
        XCTAssertEqual(lines.count, 50)
        XCTAssertEqual(lines.last, String(repeating: "x", count: 100) + "…")
        XCTAssertEqual(lines[lines.count - 2], "line 1000")
        XCTAssertTrue(lines.allSatisfy { $0.hasPrefix("line ") || $0.hasPrefix("x") }, "no line cut at its start: \(lines)")
    }

    /// The keeper renames a full log to `.log.1` and starts a new one: the follower reads the
    /// rest of the old one, then the new one, with nothing lost or repeated.
    func testRotationLosesAndRepeatsNothing() throws {
        let path = folder + "/builder.log"
        try append("a\nb\n", to: path)
        var follower = LogFollower(path: path)
        follower.refresh()
        try append("c\nd", to: path)
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        try append("e\nf\n", to: path)
        XCTAssertTrue(follower.refresh())
        XCTAssertEqual(logLines(follower.feed), ["a", "b", "c", "d", "e", "f"])
        // A follower started now begins with the end of the rotated file.
        var fresh = LogFollower(path: path)
        fresh.refresh()
        XCTAssertEqual(logLines(fresh.feed), ["a", "b", "c", "d", "e", "f"])
    }

    /// Every start of an agent is marked in its log, on a line of its own even when the last
    /// run's output ended mid-line.
    func testTheKeeperMarksEachAttemptInTheLog() throws {
        let factory = try SimFactory(overrides: ["architect": "command: [\"sh\", \"-c\", \"printf 'no newline'; exit 1\"]\nretries: 1"])
        defer { factory.remove() }
        let engine = try factory.engine()
        defer { engine.shutdown() }
        try engine.start(feature: "Marked")
        engine.drive()
        XCTAssertNotNil(waitFor(engine) { $0.phase == .blocked })
        var follower = LogFollower(path: factory.paths.logs + "/architect.log")
        follower.refresh()
        XCTAssertEqual(logLines(follower.feed), ["#1", "no newline", "#2"])
        XCTAssertEqual(follower.openLine, "no newline")
        guard case .attempt(let second) = follower.feed.lines.last else { return XCTFail("no mark") }
        XCTAssertEqual(second.phase, "planning")
        XCTAssertEqual(second.startedAt, Date().timeIntervalSince1970, accuracy: 60)
    }

    /// The live feed: a plain agent's new lines arrive without anyone asking for them.
    func testTheFeedDeliversNewLinesAsTheAgentWritesThem() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let engine = try factory.engine(environment: ["FACTORY_SIM_FAULT": "architect:stream", "FACTORY_SIM_PAUSE": "0.05"])
        defer { engine.shutdown() }
        try engine.start(feature: "Streamed")
        engine.drive()
        let running = try XCTUnwrap(waitFor(engine) { $0.agents.contains { $0.role == "architect" && $0.state == .running } })
        let delivered = Delivered()
        let feed = AgentDetailFeed(engine: engine, agent: try XCTUnwrap(running.agents.first { $0.role == "architect" })) { delivered.add($0) }
        defer { feed.stop() }
        XCTAssertTrue(delivered.wait { $0.feed.lines.contains(.log("[architect] line 3")) }, "\(delivered.last.map { logLines($0.feed) } ?? [])")
        XCTAssertTrue(delivered.wait { $0.feed.lines.contains(.log("[architect] line 12")) }, "later lines arrive on their own")
        let last = try XCTUnwrap(delivered.last)
        XCTAssertEqual(last.source, .log)
        XCTAssertEqual(last.feed.lines.first { if case .attempt = $0 { return true } else { return false } },
                       .attempt(AttemptMark(attempt: 1, phase: "planning", startedAt: (running.agents.first { $0.role == "architect" }?.startedAt ?? 0).rounded(.down))))
        XCTAssertGreaterThan(delivered.count, 2, "delivered as it grew, not once")
    }

    /// A protocol agent's feed is its activity, each attempt marked.
    func testAProtocolAgentsFeedIsItsActivity() throws {
        let factory = try SimFactory(overrides: ["builder": ProtocolSimTests.speaking])
        defer { factory.remove() }
        let engine = try factory.engine()
        defer { engine.shutdown() }
        try engine.start(feature: "Spoken")
        engine.drive()
        let working = try XCTUnwrap(waitFor(engine, timeout: 40) { $0.agents.contains { $0.role == "builder" && $0.attempts > 0 } })
        let delivered = Delivered()
        let feed = AgentDetailFeed(engine: engine, agent: try XCTUnwrap(working.agents.first { $0.role == "builder" })) { delivered.add($0) }
        defer { feed.stop() }
        _ = waitFor(engine, timeout: 40) { $0.phase == .done }
        feed.agentChanged(try XCTUnwrap(engine.snapshot().agents.first { $0.role == "builder" }))
        XCTAssertTrue(delivered.wait { detail in detail.feed.lines.contains { if case .activity(.result) = $0 { return true } else { return false } } },
                      "\(delivered.last.map { logLines($0.feed) } ?? [])")
        let last = try XCTUnwrap(delivered.last)
        XCTAssertEqual(last.source, .activity)
        guard case .attempt(let mark) = last.feed.lines.first else { return XCTFail("the attempt comes first: \(logLines(last.feed))") }
        XCTAssertEqual(mark.attempt, 1)
        XCTAssertEqual(mark.phase, "implementation")
    }
}

/// What a feed delivered, for waiting on.
final class Delivered: @unchecked Sendable {
    private let lock = NSCondition()
    private var all: [AgentDetail] = []

    func add(_ detail: AgentDetail) {
        lock.lock()
        all.append(detail)
        lock.broadcast()
        lock.unlock()
    }

    var last: AgentDetail? { lock.lock(); defer { lock.unlock() }; return all.last }
    var count: Int { lock.lock(); defer { lock.unlock() }; return all.count }

    /// Waits until a delivered detail satisfies `condition`.
    func wait(timeout: Double = 10, _ condition: (AgentDetail) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        lock.lock()
        defer { lock.unlock() }
        while !all.contains(where: condition) {
            guard lock.wait(until: deadline) else { return all.contains(where: condition) }
        }
        return true
    }
}
