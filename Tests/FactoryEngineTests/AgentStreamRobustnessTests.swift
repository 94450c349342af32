@testable import FactoryEngine
import XCTest

/// What every decoder must survive: bytes that are not its protocol, lines too long to keep,
/// damage anywhere, and text meant to move a terminal's cursor, which stays data.
final class AgentStreamRobustnessTests: XCTestCase {
    /// Each decoder with a line it reads as one text item.
    static let decoders: [(name: String, make: @Sendable (Int) -> any AgentStreamDecoder, line: @Sendable (String) -> String)] = [
        ("claude", { ClaudeStream(lineLimit: $0) }, { #"{"type":"assistant","message":{"id":"m","content":[{"type":"text","text":""# + $0 + #""}]}}"# }),
        ("codex", { CodexStream(lineLimit: $0) }, { #"{"type":"item.completed","item":{"id":"i","type":"agent_message","text":""# + $0 + #""}}"# }),
        ("gemini", { GeminiStream(lineLimit: $0) }, { #"{"type":"message","role":"assistant","content":""# + $0 + #""}"# }),
    ]

    func decode(_ decoder: any AgentStreamDecoder, _ bytes: [UInt8], chunks: @escaping () -> Int = { Int.max }) -> [AgentStreamEvent] {
        decodeInChunks(decoder, bytes, chunks: chunks)
    }

    func testGarbageAndBinaryAreReportedAndReadingGoesOn() {
        for (name, make, line) in Self.decoders {
            var bytes = Array("not json\n{\"type\":\"item.completed\"\n42\n\n   \n".utf8)
            bytes += [0xFF, 0xFE, 0x00, 0x41, 0x0A]                                  // line 6: binary
            bytes += Array("[1,2]\n{\"no\":\"type\"}\n\u{1b}[2J\u{1b}[H\u{7}\n".utf8)  // lines 7–9
            bytes += Array((line("still here") + "\n").utf8)
            let events = decode(make(1 << 20), bytes, chunks: { 3 })
            XCTAssertEqual(events, [
                .garbage(line: 1, firstBytes: "not json"),
                .garbage(line: 2, firstBytes: "{\"type\":\"item.completed\""),
                .garbage(line: 3, firstBytes: "42"),
                .garbage(line: 6, firstBytes: "\u{FFFD}\u{FFFD}\u{0}A"),
                .garbage(line: 7, firstBytes: "[1,2]"),
                .garbage(line: 9, firstBytes: "\u{1b}[2J\u{1b}[H\u{7}"),
                .activity(.text("still here")),
            ], "\(name): blank lines are nothing, an object without a type is passed over")
        }
    }

    /// Escape sequences inside the protocol's strings reach the activity as they are: the
    /// dashboard and the CLI make them inert when they show them, never the decoder by guessing.
    func testEscapeCodesStayData() {
        for (name, make, line) in Self.decoders {
            let events = decode(make(1 << 20), Array((line(#"\u001b]0;owned\u0007\u001b[31mred\u001b[0m"#) + "\n").utf8))
            XCTAssertEqual(events, [.activity(.text("\u{1b}]0;owned\u{7}\u{1b}[31mred\u{1b}[0m"))], name)
        }
    }

    func testAHugeLineIsDroppedAndTheNextLineRead() {
        for (name, make, line) in Self.decoders {
            let bytes = Array((line(String(repeating: "x", count: 5_000)) + "\n" + line("after") + "\n").utf8)
            XCTAssertEqual(decode(make(1_000), bytes, chunks: { 700 }),
                           [.activity(.error("line 1 is longer than 1000 bytes; skipped")), .activity(.text("after"))], name)
            let kept = decode(make(1 << 20), bytes).first
            XCTAssertEqual(kept, .activity(.text(String(repeating: "x", count: 1_999) + "…")), "\(name): a kept line's text is capped")
        }
    }

    func testAStreamCutShortReadsItsLastLine() {
        for (name, make, line) in Self.decoders {
            XCTAssertEqual(decode(make(1 << 20), Array(line("no newline").utf8), chunks: { 5 }), [.activity(.text("no newline"))], name)
            XCTAssertEqual(decode(make(1 << 20), Array(line("cut").prefix(20).utf8)).count, 1, "\(name): a half line is one garbage line")
        }
    }

    /// Random damage anywhere costs only the damaged lines: the undamaged last line still
    /// reads (its totals are its own; its answer's first line may be a damaged one's).
    func testDamagedRecordingsCostOnlyTheDamagedLines() throws {
        let recordings: [(String, () -> any AgentStreamDecoder)] = [
            ("codex/session.jsonl", { CodexStream(cwd: CodexStreamTests.cwd) }),
            ("gemini/session.jsonl", { GeminiStream(cwd: "/work/wt/builder") }),
        ]
        for (path, make) in recordings {
            let clean = try fixture(path)
            let usage = { (events: [AgentStreamEvent]) in events.last { if case .usage = $0 { true } else { false } } }
            let expectedUsage = usage(decode(make(), clean))
            XCTAssertNotNil(expectedUsage, path)
            let lastLine = clean.dropLast().lastIndex(of: 0x0A).map { clean.count - $0 } ?? clean.count
            for seed in UInt64(1)...100 {
                var random = SeededGenerator(state: seed)
                var bytes = clean
                for _ in 0..<8 { bytes[Int.random(in: 0..<(clean.count - lastLine), using: &random)] = UInt8.random(in: 0...255, using: &random) }
                let events = decode(make(), bytes, chunks: { Int.random(in: 1...64, using: &random) })
                XCTAssertEqual(usage(events), expectedUsage, "\(path), seed \(seed): the undamaged last line still reads")
                guard case .ended = events.last else { return XCTFail("\(path), seed \(seed): \(String(describing: events.last))") }
            }
        }
    }
}
