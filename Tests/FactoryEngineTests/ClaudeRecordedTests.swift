@testable import FactoryEngine
import Foundation
import XCTest

/// The decoder on sessions of the real Claude Code CLI (2.1.332), recorded against the
/// scripted fake Messages API (Tests/Fixtures/claude/record.py made them).
final class ClaudeRecordedTests: XCTestCase {
    func recorded(_ name: String) throws -> [UInt8] { try fixture("claude/\(name)") }

    func decode(_ bytes: [UInt8]) -> [AgentStreamEvent] { decodeInChunks(ClaudeStream(), bytes) }

    func testAnAllowedBashCall() throws {
        let events = decode(try recorded("allow-bash.jsonl"))
        let activity = events.compactMap { if case .activity(let item) = $0 { return item } else { return nil } }
        XCTAssertEqual(activity.first, .text("I will create the file."))
        XCTAssertTrue(activity.contains(.toolCall(tool: "Bash", toolUseID: "toolu_0", summary: "Bash: touch made-by-agent.txt")), "\(activity)")
        XCTAssertTrue(activity.contains(.toolResult(toolUseID: "toolu_0", ok: true, firstLine: "(Bash completed with no output)")), "\(activity)")
        let requests = events.compactMap { if case .request(let r) = $0 { return r } else { return nil } }
        XCTAssertEqual(requests.count, 1)
        XCTAssertEqual(requests.first?.tool, "Bash")
        XCTAssertEqual(requests.first?.summary, "Bash: touch made-by-agent.txt")
        XCTAssertEqual(requests.first?.toolUseID, "toolu_0")
        let ended = events.compactMap { if case .ended(let r) = $0 { return r } else { return nil } }
        XCTAssertEqual(ended.first?.subtype, "success")
        XCTAssertEqual(ended.first?.turns, 2)
        XCTAssertEqual(ended.first?.costUSD ?? 0, 0.001624, accuracy: 1e-9)
        XCTAssertEqual(ended.first?.permissionDenials, 0)
        XCTAssertFalse(events.contains { if case .garbage = $0 { return true } else { return false } })
    }

    func testADeniedBashCall() throws {
        let events = decode(try recorded("deny-bash.jsonl"))
        let activity = events.compactMap { if case .activity(let item) = $0 { return item } else { return nil } }
        XCTAssertTrue(activity.contains(.toolResult(toolUseID: "toolu_0", ok: false, firstLine: "Not now: the builder may not create files here.")), "\(activity)")
        let ended = events.compactMap { if case .ended(let r) = $0 { return r } else { return nil } }
        XCTAssertEqual(ended.first?.permissionDenials, 1)
    }
}
