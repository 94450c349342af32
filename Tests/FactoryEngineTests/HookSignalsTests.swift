@testable import FactoryEngine
import Foundation
import XCTest

/// The hook signal's rules: which record decides, what it decides, and when working goes
/// stale. Times are seconds; 14:02:05 UTC is the clock the evidence shows.
final class HookSignalsTests: XCTestCase {
    private let utc = TimeZone(identifier: "UTC")!
    /// 2026-11-26 14:02:05 UTC.
    private let t0 = 1_795_701_725.0
    private let rules = HookSignals(workingFreshFor: 120)

    private func record(_ event: String, kind: String? = nil, tool: String? = nil, detail: String? = nil, at offset: Double = 0) -> SignalRecord {
        SignalRecord(time: t0 + offset, event: event, kind: kind, tool: tool, detail: detail)
    }

    private func state(_ records: [SignalRecord], at offset: Double = 1) -> AgentActivity? {
        rules.read(records, now: t0 + offset, timeZone: utc).state
    }

    func testEachEventMeansItsState() {
        let cases: [(SignalRecord, AgentActivity?)] = [
            (record("PreToolUse", tool: "AskUserQuestion"), .waitingInput),
            (record("PermissionRequest", tool: "Bash"), .waitingInput),
            (record("Notification", kind: "permission_prompt"), .waitingInput),
            (record("Notification", kind: "elicitation_dialog"), .waitingInput),
            (record("Notification", kind: "idle_prompt"), .idle),
            (record("Stop"), .idle),
            (record("StopFailure"), .idle),
            (record("SessionStart", kind: "startup"), .idle),
            (record("SessionEnd", kind: "other"), .idle),
            (record("UserPromptSubmit"), .working),
            (record("PreToolUse", tool: "Bash"), .working),
            (record("PostToolUse", tool: "Bash"), .working),
            (record("PostToolUseFailure", tool: "Bash"), .working),
            (record("PostToolUse", tool: "AskUserQuestion"), .working),
            (record("SubagentStop"), .working),
            (record("codex-notify", kind: "agent-turn-complete"), .idle),
            (record("BeforeAgent"), .working),
            (record("BeforeTool", tool: "run_shell_command"), .working),
            (record("AfterTool", tool: "run_shell_command"), .working),
            (record("AfterAgent"), .idle),
            (record("Notification", kind: "ToolPermission"), .waitingInput),
        ]
        for (r, expected) in cases {
            XCTAssertEqual(state([r]), expected, "\(r.event) \(r.kind ?? "") \(r.tool ?? "")")
        }
    }

    /// A record that says nothing about the state (another kind of notification, an event
    /// factory does not know, a compaction's new session) leaves the one before it deciding.
    func testRecordsThatSayNothingAreLookedPast() {
        let waiting = record("PermissionRequest", tool: "Bash", detail: "Bash: rm -rf build")
        for quiet in [record("Notification", kind: "auth_success", at: 1), record("PreCompact", at: 1),
                      record("SessionStart", kind: "compact", at: 1), record("codex-notify", kind: "something-new", at: 1)] {
            let reading = rules.read([waiting, quiet], now: t0 + 2, timeZone: utc)
            XCTAssertEqual(reading.state, .waitingInput, quiet.event)
            XCTAssertEqual(reading.record, waiting)
        }
        let none = rules.read([record("Notification", kind: "auth_success")], now: t0 + 3, timeZone: utc)
        XCTAssertNil(none.state)
        XCTAssertEqual(none.evidence, "nothing decisive yet; last Notification auth_success at 14:02:05, 3s ago")
    }

    /// The newest deciding record wins: a permission asked, then answered and run, then the
    /// turn's end.
    func testTheNewestDecidingRecordWins() {
        var records = [record("UserPromptSubmit", detail: "make a file"), record("PreToolUse", tool: "Bash", detail: "Bash: touch x", at: 1),
                       record("PermissionRequest", tool: "Bash", detail: "Bash: touch x", at: 1.2)]
        XCTAssertEqual(state(records, at: 2), .waitingInput)
        records.append(record("PostToolUse", tool: "Bash", detail: "Bash: touch x", at: 5))
        XCTAssertEqual(state(records, at: 6), .working)
        records.append(record("Stop", detail: "Done.", at: 6))
        XCTAssertEqual(state(records, at: 7), .idle)
    }

    /// Waiting and idle last: an agent at its prompt, or at a dialog, sends nothing more.
    /// Working goes stale: an agent that died mid-turn is not shown working for ever.
    func testWorkingGoesStaleWaitingAndIdleDoNot() {
        let day = 86_400.0
        XCTAssertEqual(state([record("PermissionRequest", tool: "Bash")], at: day), .waitingInput)
        XCTAssertEqual(state([record("PreToolUse", tool: "AskUserQuestion")], at: day), .waitingInput)
        XCTAssertEqual(state([record("Stop")], at: day), .idle)
        let working = [record("PreToolUse", tool: "Bash", detail: "Bash: swift test")]
        XCTAssertEqual(state(working, at: 120), .working, "fresh up to the limit")
        let stale = rules.read(working, now: t0 + 121, timeZone: utc)
        XCTAssertNil(stale.state)
        XCTAssertEqual(stale.record, working[0], "the stale record is still shown as the last seen")
        XCTAssertEqual(stale.evidence, "stale: last PreToolUse at 14:02:05, 2m ago: Bash: swift test; working goes stale after 2m without a hook")
        XCTAssertEqual(HookSignals(workingFreshFor: 600).read(working, now: t0 + 300).state, .working, "the limit is the reader's to set")
    }

    func testTheEvidenceSaysWhatWasSeenAndWhen() {
        let reading = rules.read([record("Notification", kind: "permission_prompt", detail: "Claude needs your permission to use Bash")],
                                 now: t0 + 3, timeZone: utc)
        XCTAssertEqual(reading.source, "hooks")
        XCTAssertEqual(reading.evidence, "Notification permission_prompt at 14:02:05, 3s ago: Claude needs your permission to use Bash")
        XCTAssertEqual(rules.read([record("Stop")], now: t0 + 7300, timeZone: utc).evidence, "Stop at 14:02:05, 2h ago")
        XCTAssertEqual(rules.read([record("PostToolUse", tool: "Read")], now: t0, timeZone: utc).evidence,
                       "PostToolUse at 14:02:05, 0s ago: Read", "the tool when there is no detail")
        let none = rules.read([], now: t0)
        XCTAssertNil(none.state)
        XCTAssertNil(none.record)
        XCTAssertEqual(none.evidence, "no signal yet")
    }

    /// A clock that went backwards (a record from the future) is not a negative age.
    func testARecordFromTheFutureIsFresh() {
        XCTAssertEqual(rules.read([record("PreToolUse", tool: "Bash", at: 30)], now: t0, timeZone: utc).evidence,
                       "PreToolUse at 14:02:35, 0s ago: Bash")
    }

    /// signals.jsonl is written by whatever runs in the worktree: a time no clock shows
    /// (found by fuzzing: `{"event":"Stop","time":-1e300}` trapped converting the age to Int)
    /// still reads, and the record still decides.
    func testARecordFromBeforeTimeReadsWithoutTrapping() throws {
        for line in [#"{"event":"Stop","time":-1e300}"#, #"{"event":"Stop","time":1e300}"#, #"{"event":"Stop","time":-1.7e308}"#] {
            let record = try XCTUnwrap(SignalRecord(line: Array(line.utf8)))
            let reading = rules.read([record], now: t0, timeZone: utc)
            XCTAssertEqual(reading.state, .idle, line)
            XCTAssertTrue(reading.evidence.hasPrefix("Stop at "), reading.evidence)
        }
        XCTAssertEqual(HookSignals.duration(1e300), "11574074074d")
        XCTAssertEqual(HookSignals.duration(.infinity), "11574074074d")
        XCTAssertEqual(HookSignals.duration(.nan), "0s")
    }

    /// The seam the session monitor and `factory explain` use: every signal's reading, the
    /// first that decides a state deciding it.
    func testTheDecidingReadingIsTheFirstThatSaysAState() throws {
        let dir = NSTemporaryDirectory() + "factory-signals-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let run = RunDirectory(dir)
        XCTAssertNil(AgentSignals.deciding(AgentSignals.readings(of: run)), "no records: unknown")
        SignalFile(run.signals).append(SignalRecord(time: Date().timeIntervalSince1970, event: "Stop"))
        let readings = AgentSignals.readings(of: run)
        XCTAssertEqual(readings.map(\.source), ["hooks"])
        XCTAssertEqual(AgentSignals.deciding(readings)?.state, .idle)
        let unknown = SignalReading(source: "screen", state: nil, record: nil, evidence: "no screen yet")
        XCTAssertEqual(AgentSignals.deciding([unknown] + readings)?.source, "hooks")
    }
}
