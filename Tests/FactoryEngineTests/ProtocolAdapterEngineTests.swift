@testable import FactoryEngine
import Foundation
import XCTest

/// The codex and gemini protocols end to end: a builder whose command plays a recorded
/// stream runs under its real keeper, and the engine's snapshot shows what it did.
final class ProtocolAdapterEngineTests: XCTestCase {
    /// A player for recorded streams: it first reads its stdin to the end (as `codex exec` and
    /// `gemini -p` do, so an input kept open would hold it forever), then prints the stream a
    /// line at a time, waiting before line `$3` until `$2/go` exists and, at the end, until
    /// `$2/end` does.
    static let player = """
        cat >/dev/null
        n=0
        while IFS= read -r line; do
          n=$((n+1))
          if [ "$n" = "$3" ]; then while [ ! -e "$2/go" ]; do sleep 0.05; done; fi
          printf '%s\\n' "$line"
          sleep 0.02
        done < "$1"
        while [ ! -e "$2/end" ]; do sleep 0.05; done
        """

    struct Stage {
        let folder = NSTemporaryDirectory() + "factory-player-" + UUID().uuidString
        var script: String { folder + "/play.sh" }
        var gates: String { folder + "/gates" }

        init() throws {
            try FileManager.default.createDirectory(atPath: gates, withIntermediateDirectories: true)
            try ProtocolAdapterEngineTests.player.write(toFile: script, atomically: true, encoding: .utf8)
        }

        /// A builder that plays `recording` as an agent of `agentProtocol`, once.
        func builder(_ recording: String, _ agentProtocol: AgentProtocol, pauseAt line: Int = 0) -> String {
            let argv = ["sh", script, fixturePath(recording), gates, String(line)].map { "\"\($0)\"" }.joined(separator: ", ")
            return "command: [\(argv)]\nprotocol: \(agentProtocol.rawValue)\nretries: 0"
        }

        func open(_ gate: String) { _ = FileManager.default.createFile(atPath: "\(gates)/\(gate)", contents: nil) }

        func remove() { try? FileManager.default.removeItem(atPath: folder) }
    }

    func testACodexAgentWorksThenIdlesThenExits() throws {
        let stage = try Stage()
        defer { stage.remove() }
        let factory = try SimFactory(overrides: ["builder": stage.builder("codex/session.jsonl", .codex, pauseAt: 6)])
        defer { factory.remove() }
        let engine = try factory.engine()
        defer { engine.shutdown() }
        try engine.start(feature: "Greeting")
        engine.drive()
        @Sendable func builder(_ snap: Snapshot) -> AgentSnapshot? { snap.agents.first { $0.role == "builder" } }

        // Mid-turn: a command under way.
        let working = waitFor(engine, timeout: 40) { builder($0)?.activity == "Bash: swift test" }.flatMap(builder)
        XCTAssertEqual(working?.state, .working, "a turn in progress")
        XCTAssertEqual(working?.tokens, AgentSnapshot.Tokens(input: 0, output: 0))

        // The turn over, the process still there: idle, with the turn's tokens.
        stage.open("go")
        let idle = waitFor(engine) { builder($0)?.state == .idle }.flatMap(builder)
        XCTAssertEqual(idle?.tokens, AgentSnapshot.Tokens(input: 315, output: 1122))
        XCTAssertEqual(idle?.costUSD, 0, "Codex reports no money")
        XCTAssertEqual(idle?.activity, "done after 1 turns, $0.0000")
        XCTAssertEqual(activityLines(engine, "builder"), [
            "thinking: Running the tests first",
            "I'll run the tests to see what fails.",
            "Bash: swift test",
            "error: exit code 1: Building for debugging...",
            "Plan 0/3: Fix the import",
            "Edit /work/wt/builder/Sources/App/main.swift, Add /work/wt/builder/Tests/AppTests/GreetTests.swift",
            "ok: applied",
            "Plan 2/3: Run the tests",
            #"mcp__docs__lookup: {"topic":"XCTAssertEqual"}"#,
            "ok: XCTAssertEqual(a, b) fails when a != b.",
            "Bash: swift build && swift test",
            "ok: Build complete! (2.31s)",
            "error: model rerouted: gpt-5-codex -> gpt-5 (HighRiskCyberActivity)",
            "Plan 3/3",
            "Fixed the import in `main.swift` and added `GreetTests`; all 13 tests pass.",
            "done after 1 turns, $0.0000",
        ], "the recording's paths are not inside this worktree, so they stay whole")

        // Then it exits, and the run says how.
        stage.open("end")
        let ended = waitFor(engine) { builder($0)?.state == .exited }.flatMap(builder)
        XCTAssertEqual(ended?.exitCode, 0)
        XCTAssertEqual(ended?.tokens, AgentSnapshot.Tokens(input: 315, output: 1122), "kept after the exit")
        let events = (try? String(contentsOfFile: factory.paths.events, encoding: .utf8)) ?? ""
        XCTAssertTrue(events.contains("builder: Bash: swift build && swift test"), "tool calls are events")
        XCTAssertTrue(events.contains("builder spent $0.0000 in 1 turns"), events)
    }

    func testAGeminiAgentShowsItsSession() throws {
        let stage = try Stage()
        defer { stage.remove() }
        stage.open("end")
        let factory = try SimFactory(overrides: ["builder": stage.builder("gemini/session.jsonl", .gemini)])
        defer { factory.remove() }
        let engine = try factory.engine()
        defer { engine.shutdown() }
        try engine.start(feature: "Greeting")
        engine.drive()
        let ended = waitFor(engine, timeout: 40) { $0.agents.contains { $0.role == "builder" && $0.state == .exited } }?
            .agents.first { $0.role == "builder" }
        XCTAssertEqual(ended?.tokens, AgentSnapshot.Tokens(input: 5000, output: 1230))
        XCTAssertEqual(ended?.activity, "done after 1 turns, $0.0000")
        let activity = activityLines(engine, "builder")
        XCTAssertEqual(activity.first, "I'll run the tests first to see what fails.", "the pieces of words make one line")
        XCTAssertTrue(activity.contains("error: Failed to edit, 0 occurrences found for old_string in /work/wt/builder/Sources/App/main.swift. No edits made."),
                      "\(activity)")
        XCTAssertEqual(activity.suffix(3), ["Fixed the import and added `GreetTests`.", "All 13 tests pass.", "done after 1 turns, $0.0000"])
    }

    /// The builder's activity as the detail view lists it, one line an item.
    private func activityLines(_ engine: Engine, _ role: String) -> [String] {
        (engine.activityFeed(of: role)?.lines ?? []).compactMap { line in
            if case .activity(let item) = line { return item.oneLine }
            return nil
        }
    }
}
