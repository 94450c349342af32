import Foundation

/// A request to a keeper: one JSON line on its socket.
public struct KeeperRequest: Codable, Sendable, Equatable {
    public enum Op: String, Codable, Sendable {
        /// Keep the connection open: the keeper sends `exit` when the agent ends (and,
        /// with `output`, the agent's output as it comes).
        case watch
        /// A signal to the agent's process group.
        case signal
        /// SIGTERM to the group, SIGKILL after `grace` seconds if it still runs.
        case terminate
        /// Text for the agent's standard input.
        case input
        /// End of the agent's standard input (a protocol agent then finishes).
        case closeInput
        /// Who and how the agent is.
        case status
    }

    public var op: Op
    public var signal: Int32?
    public var grace: Double?
    public var text: String?
    public var output: Bool?
    /// With `output`: send it from this place in the run's output (0: its first byte, as
    /// far back as the keeper still holds); nil: only what comes next.
    public var from: Int?

    public init(op: Op, signal: Int32? = nil, grace: Double? = nil, text: String? = nil, output: Bool? = nil, from: Int? = nil) {
        self.op = op
        self.signal = signal
        self.grace = grace
        self.text = text
        self.output = output
        self.from = from
    }
}

/// What a keeper says: an answer to a request, the agent's exit, or a piece of its output.
public struct KeeperMessage: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case reply, exit, output }
    /// Which of the agent's streams a piece of output came from.
    public enum Stream: String, Codable, Sendable { case out, err }

    public var kind: Kind
    public var ok: Bool?
    public var error: String?
    public var agentPid: Int32?
    public var exit: AgentExitRecord?
    public var data: Data?
    public var stream: Stream?

    static func reply(ok: Bool, error: String? = nil, agentPid: Int32? = nil, exit: AgentExitRecord? = nil) -> KeeperMessage {
        KeeperMessage(kind: .reply, ok: ok, error: error, agentPid: agentPid, exit: exit)
    }
}

/// JSON lines on a socket.
enum JSONLine {
    static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ((try? encoder.encode(value)).map { Array($0) } ?? Array("{}".utf8)) + [0x0A]
    }

    static func decode<T: Decodable>(_ type: T.Type, _ line: ArraySlice<UInt8>) -> T? {
        try? JSONDecoder().decode(type, from: Data(line))
    }
}

/// Bytes arriving on a stream cut into lines; a line longer than `limit` is an error (a
/// client cannot make its reader hold unbounded garbage).
struct LineBuffer {
    private var pending: [UInt8] = []
    let limit: Int

    init(limit: Int = 1 << 20) { self.limit = limit }

    /// Adds bytes; returns the complete lines, or nil when a line passed the limit.
    mutating func take(_ bytes: UnsafeRawBufferPointer) -> [ArraySlice<UInt8>]? {
        // What was pending has no newline: only the new bytes are searched (a long message
        // arriving in many reads is not scanned again at each one).
        let searched = pending.count
        pending.append(contentsOf: bytes)
        guard let last = pending[searched...].lastIndex(of: 0x0A) else { return pending.count > limit ? nil : [] }
        let lines = pending[..<last].split(separator: 0x0A, omittingEmptySubsequences: true).map { ArraySlice($0) }
        pending.removeSubrange(...last)
        return pending.count > limit ? nil : lines
    }
}
