import Foundation

/// An agent's stdout as JSON Lines: each line a JSON object, or the event that says why it
/// is not one. Blank lines are nothing.
struct JSONLines: Sendable {
    enum Line {
        case object([String: Any])
        case problem(AgentStreamEvent)

        /// The line's events: `read` makes them of an object; a problem is its own.
        func events(_ read: ([String: Any]) -> [AgentStreamEvent]) -> [AgentStreamEvent] {
            switch self {
            case .object(let object): read(object)
            case .problem(let event): [event]
            }
        }
    }

    /// How much of a garbage line is shown.
    static let garbagePrefix = 80

    private var lines: StreamLines

    init(limit: Int) { lines = StreamLines(limit: limit) }

    mutating func feed<Bytes: Collection>(_ chunk: Bytes) -> [Line] where Bytes.Element == UInt8 {
        lines.feed(chunk).compactMap(parse)
    }

    mutating func finish() -> [Line] { lines.finish().compactMap(parse) }

    private func parse(_ piece: StreamLines.Piece) -> Line? {
        switch piece {
        case .tooLong(let number):
            return .problem(.activity(.error("line \(number) is longer than \(lines.limit) bytes; skipped")))
        case .line(let number, let bytes):
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return nil }
            guard let object = try? JSONSerialization.jsonObject(with: Self.validUTF8(bytes)), let message = object as? [String: Any] else {
                let shown = String(decoding: bytes.prefix(Self.garbagePrefix), as: UTF8.self)
                return .problem(.garbage(line: number, firstBytes: shown))
            }
            return .object(message)
        }
    }

    /// The line as JSON can read it: bytes that are not UTF-8 (a tool's raw output passed
    /// through) become U+FFFD each, so they cost themselves rather than the whole line.
    static func validUTF8(_ bytes: [UInt8]) -> Data {
        if String(validating: bytes, as: UTF8.self) != nil { return Data(bytes) }
        return Data(String(decoding: bytes, as: UTF8.self).utf8)
    }
}

/// A field of a message from outside, read with a fallback: a missing or odd field costs
/// that field, not the message.
enum JSONField {
    /// A whole, non-negative number; anything else counts as 0 (never traps on 1e300).
    static func count(_ value: Any?) -> Int {
        if isBool(value) { return 0 }
        if let int = value as? Int { return max(0, int) }
        if let double = value as? Double, double.isFinite, double >= 0, double < 1e15 { return Int(double) }
        return 0
    }

    /// JSON's true or false. JSONSerialization hands booleans over as NSNumbers, and any
    /// NSNumber casts to Bool (and 1 to true), so the number's type code tells them apart.
    static func isBool(_ value: Any?) -> Bool {
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c"
    }

    /// True only for JSON's `true`.
    static func flag(_ value: Any?) -> Bool { isBool(value) && (value as? Bool ?? false) }

    static func dollars(_ value: Any?) -> Double {
        guard !isBool(value), let double = value as? Double, double.isFinite, double >= 0 else { return 0 }
        return double
    }

    /// An identifier (a session, a tool call), capped.
    static func id(_ value: Any?) -> String { (value as? String ?? "").capped(200) }

    /// Content that is a string or a list of blocks (Claude's tool results, MCP's): the
    /// first text block that says something.
    static func text(ofBlocks content: Any?) -> String {
        if let text = content as? String { return text }
        let blocks = (content as? [Any] ?? []).compactMap { $0 as? [String: Any] }
        return blocks.lazy.compactMap { $0["type"] as? String == "text" ? $0["text"] as? String : nil }
            .first { !$0.firstLine().isEmpty } ?? (blocks.isEmpty ? "" : "(\(blocks.count) non-text blocks)")
    }
}
