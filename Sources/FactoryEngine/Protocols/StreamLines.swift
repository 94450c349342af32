/// Bytes from an agent's pipe, cut into lines. A read can end anywhere — inside a line,
/// inside a UTF-8 character — so the unfinished line waits for the next read.
///
/// A line longer than `limit` is reported once and its bytes dropped as they come, so an
/// agent printing megabytes without a newline cannot grow factory's memory past the limit.
public struct StreamLines: Sendable {
    public enum Piece: Equatable, Sendable {
        /// A whole line without its `\n` (or `\r\n`); `number` counts from 1.
        case line(number: Int, bytes: [UInt8])
        case tooLong(number: Int)
    }

    public let limit: Int
    private var pending: [UInt8] = []
    private var skipping = false
    private var lineNumber = 0

    public init(limit: Int) { self.limit = limit }

    public mutating func feed<Bytes: Collection>(_ chunk: Bytes) -> [Piece] where Bytes.Element == UInt8 {
        var pieces: [Piece] = []
        var rest = chunk[...]
        while !rest.isEmpty {
            let newline = rest.firstIndex(of: UInt8(ascii: "\n"))
            let part = rest[..<(newline ?? rest.endIndex)]
            if !skipping {
                if pending.count + part.count > limit {
                    skipping = true
                    pending = []
                    pieces.append(.tooLong(number: lineNumber + 1))
                } else {
                    pending.append(contentsOf: part)
                }
            }
            guard let newline else { break }
            pieces += endLine()
            rest = rest[rest.index(after: newline)...]
        }
        return pieces
    }

    /// The last line, when the stream ends without a newline.
    public mutating func finish() -> [Piece] {
        pending.isEmpty && !skipping ? [] : endLine()
    }

    private mutating func endLine() -> [Piece] {
        lineNumber += 1
        defer { pending = []; skipping = false }
        if skipping { return [] }
        if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
        return [.line(number: lineNumber, bytes: pending)]
    }
}
