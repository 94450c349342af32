@testable import FactoryEngine
import Foundation
import XCTest

/// Feeds `bytes` to `decoder` in chunks of the sizes `sizes` gives, then finishes.
func decodeInChunks<Decoder: AgentStreamDecoder>(_ decoder: Decoder, _ bytes: [UInt8], chunks sizes: () -> Int = { Int.max }) -> [AgentStreamEvent] {
    var decoder = decoder
    var events: [AgentStreamEvent] = []
    var start = 0
    while start < bytes.count {
        let end = min(bytes.count, start + max(1, sizes()))
        events += decoder.feed(bytes[start..<end])
        start = end
    }
    return events + decoder.finish()
}

/// The same events, or a failure naming the first difference (a whole-array message is unreadable).
func assertSameEvents(_ events: [AgentStreamEvent], _ expected: [AgentStreamEvent], _ what: String,
                      file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(events.count, expected.count, "\(what): how many events", file: file, line: line)
    if let i = (0..<min(events.count, expected.count)).first(where: { events[$0] != expected[$0] }) {
        XCTFail("\(what): event \(i) is \(events[i]), expected \(expected[i])", file: file, line: line)
    }
}

/// Decodes `bytes` whole, byte by byte and in twenty random splittings: each must give `expected`.
func assertChunkingDoesNotMatter<Decoder: AgentStreamDecoder>(_ decoder: @autoclosure () -> Decoder, _ bytes: [UInt8], _ expected: [AgentStreamEvent],
                                                              file: StaticString = #filePath, line: UInt = #line) {
    assertSameEvents(decodeInChunks(decoder(), bytes), expected, "one read", file: file, line: line)
    assertSameEvents(decodeInChunks(decoder(), bytes, chunks: { 1 }), expected, "byte by byte", file: file, line: line)
    for seed in UInt64(1)...20 {
        var random = SeededGenerator(state: seed)
        assertSameEvents(decodeInChunks(decoder(), bytes, chunks: { Int.random(in: 1...300, using: &random) }), expected,
                         "seed \(seed)", file: file, line: line)
    }
}

/// A recorded stream under Tests/Fixtures.
func fixture(_ relative: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: fixturePath(relative))))
}

func fixturePath(_ relative: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/\(relative)").path
}
