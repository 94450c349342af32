import Foundation

/// One thing an agent's own hooks told factory, as `factory hook` appends it to the run
/// folder (`.agent-comms/run/<role>/signals.jsonl`): when, which event, and the few fields
/// that decide a state — never the whole payload (a tool's input can be megabytes).
public struct SignalRecord: Codable, Sendable, Equatable {
    /// Seconds since 1970, when the hook ran.
    public var time: Double
    /// The hook's event as registered: `PreToolUse`, `Notification`, `Stop`, `codex-notify`…
    public var event: String
    /// What kind of it: a notification's type (`permission_prompt`), a session's source.
    public var kind: String?
    /// The tool a tool event is about.
    public var tool: String?
    /// The tool's input in one line (`Bash: swift test`), or the notification's message.
    public var detail: String?

    public init(time: Double, event: String, kind: String? = nil, tool: String? = nil, detail: String? = nil) {
        self.time = time
        self.event = event
        self.kind = kind
        self.tool = tool
        self.detail = detail
    }

    /// The most bytes a record's line may have: one `write` of it stays under PIPE_BUF, so
    /// lines from hooks running at once never interleave.
    public static let lineLimit = 2048

    /// The record as one JSON line (LF-terminated) of at most `lineLimit` bytes: its fields
    /// capped, and dropped (detail first) if escaping still makes the line too long.
    public var line: [UInt8] {
        let capped = SignalRecord(time: time, event: event.scalars(Self.fieldLimit), kind: kind?.scalars(Self.fieldLimit),
                                  tool: tool?.scalars(Self.fieldLimit), detail: detail.map { $0.capped(Self.detailLimit) })
        var bare = capped
        bare.detail = nil
        for record in [capped, bare, SignalRecord(time: time, event: capped.event)] {
            let bytes = record.encoded
            if !bytes.isEmpty, bytes.count <= Self.lineLimit { return bytes }
        }
        return []
    }

    private var encoded: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return [] }
        return Array(data) + [0x0A]
    }

    /// A record read back from its line; nil for a line that is not one.
    public init?(line: some Collection<UInt8>) {
        guard let record = try? JSONDecoder().decode(SignalRecord.self, from: Data(line)) else { return nil }
        self = record
    }

    static let fieldLimit = 64
    static let detailLimit = 240

    /// An event name a hook may record: a word of letters, digits, `-` and `_` (the name
    /// comes from factory's own settings file, but a hand-made hook could pass anything).
    public static func isEventName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= fieldLimit
            && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
    }
}

extension String {
    /// At most `limit` Unicode scalars (a character can hold many).
    func scalars(_ limit: Int) -> String {
        unicodeScalars.count <= limit ? self : String(String.UnicodeScalarView(unicodeScalars.prefix(limit)))
    }
}
