import Foundation

/// A protocol agent's current attempt read back from its log, for an engine that was not
/// listening while it happened: a factory restarted (or killed) mid-run, or a dashboard
/// that only watches another. The keeper logged every byte of the agent's stdout, so the
/// same decoder gives the same activity, the usage, the turn's end — and the request the
/// agent still waits on, if nothing followed it.
struct ProtocolReplay {
    var mark: AttemptMark?
    var events: [AgentStreamEvent] = []
    /// The request nothing came after: the agent is still waiting for its answer.
    var pending: PermissionRequest?
    var ended: SessionResult?

    /// At most this much of the log's end is read: the activity shown is bounded anyway.
    static let readLimit = 4 << 20

    /// The attempt after the last attempt mark in `role`'s log (and the rotated part before
    /// it), decoded; nil when the log has no mark (nothing started under a keeper yet).
    static func read(log path: String, as agentProtocol: AgentProtocol, cwd: String) -> ProtocolReplay? {
        guard var decoder = agentProtocol.decoder(cwd: cwd), let (mark, said) = attempt(log: path) else { return nil }
        var replay = ProtocolReplay(mark: mark)
        for event in decoder.feed(said) + decoder.finish() { replay.take(event) }
        return replay
    }

    /// The last attempt's mark in `role`'s log and what the agent said after it.
    static func attempt(log path: String) -> (AttemptMark, ArraySlice<UInt8>)? {
        let bytes = tail(path)
        guard let (mark, start) = lastMark(in: bytes) else { return nil }
        return (mark, bytes[start...])
    }

    /// The attempt as the detail view lists it: its mark, then what the agent did.
    func feed(limit: Int) -> FeedBuffer {
        var feed = FeedBuffer(limit: limit)
        if let mark { feed.append(.attempt(mark)) }
        feed.append(contentsOf: events.compactMap { if case .activity(let item) = $0 { return .activity(item) }; return nil })
        return feed
    }

    private mutating func take(_ event: AgentStreamEvent) {
        switch event {
        case .request(let request):
            pending = request
        case .withdrawn, .activity:
            // The agent went on: whatever it asked was answered (or withdrawn).
            pending = nil
        case .ended(let result):
            pending = nil
            ended = result
        case .usage, .session, .garbage, .unanswerable:
            break
        }
        events.append(event)
    }

    /// The log's last bytes, the rotated file's end first when the log is short.
    static func tail(_ path: String) -> [UInt8] {
        let current = Array(FileManager.default.contents(atPath: path) ?? Data())
        var bytes = current.count >= readLimit ? Array(current.suffix(readLimit)) : current
        if bytes.count < readLimit, let older = FileManager.default.contents(atPath: path + ".1") {
            bytes = Array(older.suffix(readLimit - bytes.count)) + bytes
        }
        return bytes
    }

    /// The last attempt mark and where the bytes after its line begin.
    static func lastMark(in bytes: [UInt8]) -> (AttemptMark, Int)? {
        let prefix = Array(AttemptMark.logPrefix.utf8)
        var end = bytes.count
        while end > 0 {
            let start = bytes[..<end].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
            let line = bytes[start..<end]
            if line.starts(with: prefix), let mark = AttemptMark(logLine: String(decoding: line, as: UTF8.self)) {
                return (mark, min(bytes.count, end + 1))
            }
            end = max(0, start - 1)
            if start == 0 { break }
        }
        return nil
    }
}
