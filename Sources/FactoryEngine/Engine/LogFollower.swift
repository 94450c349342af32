#if canImport(Glibc)
import Glibc
#endif

/// An agent's log as lines, followed as it grows. The first read takes a capped tail (with
/// the end of the rotated `<role>.log.1` when the current file is short); every later read
/// takes only the bytes added since, so a log is never read whole again. The keeper's
/// rotation is followed: the rest of the old file (now `.log.1`, the same inode) is read
/// from where reading left it, then the new file from its start.
public struct LogFollower: Sendable {
    public let path: String
    /// The complete lines kept, the keeper's attempt marks among them.
    public private(set) var feed: FeedBuffer
    /// The last line while it has no newline yet.
    public var openLine: String? { partial.isEmpty ? nil : Self.text(partial) }
    /// The most bytes one read takes: more was written since, and only its end is read.
    let tailBytes: Int
    /// The longest line kept, in bytes; the rest of a longer line is dropped.
    let lineLimit: Int
    private var file: FileID?
    private var offset = 0
    private var partial: [UInt8] = []
    private var skippingRestOfLine = false
    private var started = false

    struct FileID: Equatable, Sendable {
        var device: UInt64
        var inode: UInt64
    }

    public init(path: String, lines: Int = 5_000, tailBytes: Int = 512 * 1024, lineLimit: Int = 4_096) {
        self.path = path
        feed = FeedBuffer(limit: lines)
        self.tailBytes = tailBytes
        self.lineLimit = lineLimit
    }

    /// Reads what was added since the last call; true when the lines changed.
    @discardableResult
    public mutating func refresh() -> Bool {
        let before = (feed.endNumber, partial.count)
        let current = Self.identity(path)
        if let known = file, current?.id != known {
            // Rotated (or removed): the old file's end first, if it is still there as .1.
            if let old = Self.identity(path + ".1"), old.id == known { read(path + ".1", from: offset, to: old.size) }
            endLine()
            file = current?.id
            offset = 0
            if let current { readTail(current.size) }
        } else if let current {
            if file == nil {
                file = current.id
                // The first read: the rotated file's end too, when the current one is short.
                if !started, current.size < tailBytes, let older = Self.identity(path + ".1") {
                    read(path + ".1", from: max(0, older.size - (tailBytes - current.size)), to: older.size, cutFirstLine: older.size > tailBytes - current.size)
                    endLine()
                }
                readTail(current.size)
            } else if current.size < offset {
                // Cut short in place: what is there now is new.
                endLine()
                readTail(current.size)
            } else if current.size > offset {
                let start = max(offset, current.size - tailBytes)
                if start > offset { endLine() }
                read(path, from: start, to: current.size, cutFirstLine: start > offset)
            }
        }
        started = true
        return (feed.endNumber, partial.count) != before
    }

    /// The file's last `tailBytes`, from the start of a line.
    private mutating func readTail(_ size: Int) {
        read(path, from: max(0, size - tailBytes), to: size, cutFirstLine: size > tailBytes)
    }

    /// Reads bytes `start..<end` of `path` into lines; `cutFirstLine`: the read starts
    /// inside a line, whose beginning is gone.
    private mutating func read(_ path: String, from start: Int, to end: Int, cutFirstLine: Bool = false) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var position = start
        var skipping = cutFirstLine
        var chunk = [UInt8](repeating: 0, count: min(64 * 1024, max(1, end - start)))
        var added: [AgentFeedLine] = []
        while position < end {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, min($0.count, end - position), off_t(position)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            var lineStart = 0
            for i in 0..<n where chunk[i] == 0x0A {
                if skipping { skipping = false } else { take(chunk[lineStart..<i], into: &added, ending: true) }
                lineStart = i + 1
            }
            if !skipping, lineStart < n { take(chunk[lineStart..<n], into: &added, ending: false) }
            position += n
        }
        if path == self.path { offset = position }
        feed.append(contentsOf: added)
    }

    /// Adds bytes to the open line; a newline ends it.
    private mutating func take(_ bytes: ArraySlice<UInt8>, into added: inout [AgentFeedLine], ending: Bool) {
        if !skippingRestOfLine {
            let room = lineLimit - partial.count
            partial += bytes.prefix(room)
            if bytes.count > room { skippingRestOfLine = true }
        }
        guard ending else { return }
        added.append(Self.line(partial, cut: skippingRestOfLine))
        partial = []
        skippingRestOfLine = false
    }

    /// An open line becomes a line of its own (its file ended or was cut).
    private mutating func endLine() {
        guard !partial.isEmpty else { return }
        feed.append(Self.line(partial, cut: skippingRestOfLine))
        partial = []
        skippingRestOfLine = false
    }

    static func line(_ bytes: [UInt8], cut: Bool) -> AgentFeedLine {
        let text = Self.text(bytes)
        if let mark = AttemptMark(logLine: text) { return .attempt(mark) }
        return .log(cut ? text + "…" : text)
    }

    static func text(_ bytes: [UInt8]) -> String {
        let end = bytes.last == 0x0D ? bytes.count - 1 : bytes.count
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    static func identity(_ path: String) -> (id: FileID, size: Int)? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return (FileID(device: UInt64(st.st_dev), inode: UInt64(st.st_ino)), Int(st.st_size))
    }
}
