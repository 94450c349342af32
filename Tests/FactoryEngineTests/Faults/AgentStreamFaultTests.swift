@testable import FactoryEngine
import Foundation
import XCTest

/// Agents that flood, speak broken stream-json, or ask and are never answered — through
/// the engine and the keeper, not the decoder alone (AgentStreamRobustnessTests has those).
final class AgentStreamFaultTests: FaultTestCase {
    /// What the architect's agent read on its stdin (its script copies it into its clone's
    /// git folder, which it can write, confined or not).
    private func input(_ factory: SimFactory) -> String {
        (try? String(contentsOfFile: factory.paths.worktree("architect") + "/.git/stage-input", encoding: .utf8)) ?? ""
    }

    static func text(_ id: String, _ words: String) -> String {
        #"{"type":"assistant","message":{"id":"\#(id)","content":[{"type":"text","text":"\#(words)"}]}}"#
    }

    static let request = #"{"type":"control_request","request_id":"req-1","request":{"subtype":"can_use_tool","tool_name":"Bash","input":{"command":"rm -rf build"},"tool_use_id":"t1","permission_suggestions":[]}}"#

    /// Garbage between good lines, then a line cut short as the agent dies: the good lines
    /// are the activity, the damage costs only itself, and the run ends with its real status.
    func testAStreamFullOfGarbageAndCutMidLineCostsOnlyTheDamage() throws {
        let script = """
            printf '%s\\n' '\(Self.text("m1", "hello from the agent"))'
            printf 'not json at all\\n{"type":\\n\\377\\376\\000binary\\n[1,2,3]\\n'
            printf '%s\\n' '\(Self.text("m2", "still talking"))'
            printf '%s' '{"type":"assistant","message":{"id":"m3","content":[{"type":"text","text":"cut he'
            exit 3
            """
        let (factory, engine) = try started("Garbage", overrides: ["architect": try stage.role(script, "protocol: claude\nretries: 0")])
        engine.drive()
        let blocked = waitFor(engine, timeout: 20) { $0.phase == .blocked }
        XCTAssertEqual(blocked?.agent("architect")?.state, .failed)
        XCTAssertEqual(blocked?.agent("architect")?.exitCode, 3, "its real status")
        let activity = activityLines(engine, "architect")
        XCTAssertEqual(activity.first, "hello from the agent")
        XCTAssertTrue(activity.contains("still talking"), "reading went on after the garbage: \(activity)")
        XCTAssertFalse(activity.contains { $0.contains("cut he") }, "a half line is not taken as text: \(activity)")
        let log = try XCTUnwrap(FileManager.default.contents(atPath: factory.paths.logs + "/architect.log"))
        XCTAssertTrue(log.range(of: Data("\"text\":\"cut he".utf8)) != nil, "the log has every byte, the cut line too")
    }

    /// Bytes that are not UTF-8 inside a stream-json string: each shows as U+FFFD, and the
    /// rest of its line is read.
    func testInvalidUTF8InStreamJSONCostsOnlyTheBadBytes() throws {
        let script = #"printf '{"type":"assistant","message":{"id":"m1","content":[{"type":"text","text":"caf\351 \377 ok"}]}}\n'"#
        let (_, engine) = try started("Bad bytes", overrides: ["architect": try stage.role(script, "protocol: claude\nretries: 0")])
        engine.drive()
        XCTAssertNotNil(waitFor(engine, timeout: 20) { $0.phase == .blocked })
        XCTAssertEqual(activityLines(engine, "architect"), ["caf\u{FFFD} \u{FFFD} ok"])
    }

    /// A permission request nobody answers: it stays first in the attention queue, nothing
    /// answers it, the waiting agent is not called stalled nor timed out (its clock stops
    /// while it waits for a human); stopping the agent clears it.
    func testAPermissionRequestNeverAnsweredWaitsVisiblyUntilTheAgentIsStopped() throws {
        let script = "printf '%s\\n' '\(Self.request)'; cat > .git/stage-input"
        let (factory, engine) = try started("Unanswered", overrides: ["architect": try stage.role(script, "protocol: claude\nstall: 0.5\ntimeout: 1\nretries: 0")])
        engine.drive()
        let waiting = waitFor(engine, timeout: 20) { $0.agent("architect")?.state == .waitingInput }
        XCTAssertEqual(waiting?.agent("architect")?.request?.summary, "Bash: rm -rf build")
        XCTAssertEqual(waiting?.attention.first?.kind, .request)
        // Several stall periods pass: still waiting, still asked, never called stalled.
        let quiet = eventually(2.5) { engine.snapshot().agent("architect")?.state != .waitingInput }
        XCTAssertFalse(quiet, "still waiting for its answer")
        let later = engine.snapshot()
        XCTAssertEqual(later.attention.first?.kind, .request)
        XCTAssertFalse(later.attention.contains { $0.kind == .stalled })
        let events = (try? String(contentsOfFile: factory.paths.events, encoding: .utf8)) ?? ""
        XCTAssertFalse(events.contains("architect stalled") || events.contains("architect timed out"), events)
        XCTAssertFalse(input(factory).contains("control_response"), "nothing answered for the human: \(input(factory))")

        try engine.kill(role: "architect")
        let stopped = waitFor(engine, timeout: 10) { $0.agent("architect")?.state == .killed && !$0.attention.contains { $0.kind == .request } }
        XCTAssertNil(stopped?.agent("architect")?.request, "the request went with the agent")
        XCTAssertNil(StateStore(path: factory.paths.state).load()?.runs["architect"]?.request, "and from state.json")
    }

    /// Once answered, the clock goes on: an agent that then hangs still times out.
    func testAnAnsweredAgentThatHangsStillTimesOut() throws {
        let script = "printf '%s\\n' '\(Self.request)'; cat > .git/stage-input"
        let (factory, engine) = try started("Answered", overrides: ["architect": try stage.role(script, "protocol: claude\ntimeout: 1\nretries: 0")])
        engine.drive()
        XCTAssertNotNil(waitFor(engine, timeout: 20) { $0.agent("architect")?.state == .waitingInput })
        XCTAssertEqual(try engine.perform(.allow(role: "architect", always: false)), "allowed architect: Bash: rm -rf build")
        XCTAssertTrue(eventually(5) { self.input(factory).contains("control_response") }, "the answer reached the agent")
        let blocked = waitFor(engine, timeout: 10) { $0.phase == .blocked }
        XCTAssertTrue(blocked?.blockedReason?.contains("(last: timed_out;") ?? false, "\(String(describing: blocked?.blockedReason))")
    }

    /// 50 MB of plain output as fast as the agent can: the engine answers throughout, the
    /// log stays within its cap (rotated once past 1 MiB), the last line is there, and the
    /// detail view holds a bounded tail — nowhere near 50 MB.
    func testFiftyMegabytesOfOutputLeaveTheEngineResponsiveAndMemoryBounded() throws {
        let script = "yes 'a flood of output, line after line after line after line.' | head -c 52428800; echo; echo last-line"
        let rssBefore = residentBytes() ?? 0
        let (factory, engine) = try started("Flood", overrides: ["architect": try stage.role(script)])
        engine.drive()
        let details = DetailBox()
        var detail: AgentDetailFeed?
        var slowest = 0.0
        let started = Date()
        while engine.snapshot(refreshing: false).agent("architect")?.state.isActive != false && Date().timeIntervalSince(started) < 60 {
            if detail == nil, let agent = engine.snapshot(refreshing: false).agent("architect") {
                detail = AgentDetailFeed(engine: engine, agent: agent) { details.take($0) }
            }
            let asked = Date()
            _ = engine.snapshot(refreshing: false)
            slowest = max(slowest, Date().timeIntervalSince(asked))
            usleep(10_000)
        }
        let seconds = Date().timeIntervalSince(started)
        defer { detail?.stop() }
        XCTAssertEqual(engine.snapshot().agent("architect")?.exitCode, 0, "it ran to its end")
        XCTAssertLessThan(slowest, 0.5, "the engine answered within half a second throughout")
        let log = factory.paths.logs + "/architect.log"
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: log)[.size] as? Int)
        let rotated = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: log + ".1")[.size] as? Int)
        XCTAssertLessThanOrEqual(size, 1 << 20)
        XCTAssertLessThanOrEqual(rotated, 1 << 20)
        XCTAssertTrue(try String(contentsOfFile: log, encoding: .utf8).hasSuffix("\nlast-line\n"), "the end is kept")
        XCTAssertTrue(eventually(5) { details.last?.feed.lines.last == .log("last-line") }, "the detail follows to the end")
        let held = details.last?.feed.lines.reduce(0) { $0 + $1.textBytes } ?? 0
        XCTAssertLessThan(held, 1 << 20, "the detail holds a tail")
        let grown = (residentBytes() ?? 0) - rssBefore
        XCTAssertLessThan(grown, 40 << 20, "memory stays bounded")
        print("flood: 50 MB in \(String(format: "%.1f", seconds)) s; slowest snapshot \(String(format: "%.3f", slowest)) s; detail holds \(held) bytes; RSS grew \(grown >> 20) MB")
    }

    /// Stream-json as fast as the agent can print it, more than the engine decodes in the
    /// time: the agent is held back through its keeper, the engine answers throughout, and
    /// every byte is read — the last words and the result after megabytes of text.
    /// (5 MB keeps the test short: a debug build decodes about 2 MB a second.)
    func testAStreamJSONFloodIsReadToItsLastByte() throws {
        let line = Self.text("m1", String(repeating: "flood ", count: 30))
        let result = #"{"type":"result","subtype":"success","is_error":false,"num_turns":1,"total_cost_usd":0.5,"result":"done","usage":{"input_tokens":10,"output_tokens":20}}"#
        let script = "yes '\(line)' | head -c 5242880 | head -n -1; printf '%s\\n' '\(Self.text("m2", "the last word"))' '\(result)'; exit 0"
        let rssBefore = residentBytes() ?? 0
        let (factory, engine) = try started("Stream flood", overrides: ["architect": try stage.role(script, "protocol: claude\nretries: 0")])
        engine.drive()
        var slowest = 0.0
        let started = Date()
        while engine.snapshot(refreshing: false).agent("architect")?.state.isActive != false && Date().timeIntervalSince(started) < 90 {
            let asked = Date()
            _ = engine.snapshot(refreshing: false)
            slowest = max(slowest, Date().timeIntervalSince(asked))
            usleep(10_000)
        }
        print("stream flood: 5 MB in \(String(format: "%.1f", Date().timeIntervalSince(started))) s; slowest snapshot \(String(format: "%.3f", slowest)) s")
        // Each answer waits for at most two pieces to be decoded (seconds, before they were bounded).
        XCTAssertLessThan(slowest, 1, "the engine answered within a second throughout")
        let ended = waitFor(engine, timeout: 10) { $0.agent("architect").map { !$0.state.isActive && $0.state != .notStarted } ?? false }
        let architect = ended?.agent("architect")
        XCTAssertNil(architect?.problem, "the keeper kept its reader")
        XCTAssertEqual(architect?.state, .exited)
        XCTAssertEqual(architect?.costUSD ?? 0, 0.5, accuracy: 1e-9, "the result line, after megabytes, was read")
        let activity = engine.activityFeed(of: "architect")
        XCTAssertLessThanOrEqual(activity?.lines.count ?? 0, AgentPool.activityLimit)
        XCTAssertEqual(activityLines(engine, "architect").suffix(2), ["the last word", "done after 1 turns, $0.5000"])
        let grown = (residentBytes() ?? 0) - rssBefore
        XCTAssertLessThan(grown, 60 << 20, "memory stays bounded")
    }

    private func activityLines(_ engine: Engine, _ role: String) -> [String] {
        (engine.activityFeed(of: role)?.lines ?? []).compactMap { if case .activity(let item) = $0 { return item.oneLine }; return nil }
    }
}

final class DetailBox: @unchecked Sendable {
    private let lock = NSLock()
    private var latest: AgentDetail?
    func take(_ detail: AgentDetail) { lock.lock(); latest = detail; lock.unlock() }
    var last: AgentDetail? { lock.lock(); defer { lock.unlock() }; return latest }
}

extension AgentFeedLine {
    /// The bytes of text the line holds.
    var textBytes: Int {
        switch self {
        case .log(let text): return text.utf8.count
        case .activity(let item): return item.oneLine.utf8.count
        case .attempt: return 0
        }
    }
}
