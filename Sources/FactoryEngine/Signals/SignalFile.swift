import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An agent's hook records, `.agent-comms/run/<role>/signals.jsonl`: one JSON line each,
/// appended by many short-lived `factory hook` processes at once, read from its end.
///
/// Bounded: past `cap` bytes the file becomes `signals.1.jsonl` (replacing the one before)
/// and a new one starts, so at most two caps' worth is ever kept. Every writer takes the
/// file's lock for its append, so a rotation cannot lose a record written beside it; the
/// line itself is one `write` with O_APPEND, under PIPE_BUF, whole even without the lock.
public struct SignalFile: Sendable {
    public let path: String
    public let cap: Int

    public static let defaultCap = 256 * 1024

    public init(_ path: String, cap: Int = SignalFile.defaultCap) {
        self.path = path
        self.cap = cap
    }

    public var previous: String { path.hasSuffix(".jsonl") ? String(path.dropLast(6)) + ".1.jsonl" : path + ".1" }

    /// Appends the record's line. Never throws and never waits long: a hook must not fail
    /// or slow its agent, so a folder that is missing or read-only loses the record, and a
    /// lock held too long (by a writer that hung) is given up on after a few milliseconds.
    @discardableResult
    public func append(_ record: SignalRecord) -> Bool {
        let line = record.line
        guard !line.isEmpty else { return false }
        for _ in 0..<3 {
            let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
            guard fd >= 0 else { return false }
            defer { close(fd) }
            let locked = Self.lock(fd)
            defer { if locked { flock(fd, LOCK_UN) } }
            // Another writer may have rotated the file between the open and the lock.
            var opened = stat(), current = stat()
            if locked, fstat(fd, &opened) == 0, stat(path, &current) != 0 || current.st_ino != opened.st_ino { continue }
            if locked, opened.st_size + off_t(line.count) > off_t(cap), rename(path, previous) == 0 { continue }
            return line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == line.count
        }
        return false
    }

    /// The last records, oldest first: read from at most `window` bytes at the end (a line
    /// cut by the window's start and lines that are not records are left out).
    public func lastRecords(window: Int = 64 * 1024) -> [SignalRecord] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size > 0 else { return [] }
        let start = max(0, Int(st.st_size) - window)
        var bytes = [UInt8](repeating: 0, count: Int(st.st_size) - start)
        let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(start)) }
        guard got > 0 else { return [] }
        var lines = bytes[..<got].split(separator: 0x0A, omittingEmptySubsequences: true)
        if start > 0, !lines.isEmpty { lines.removeFirst() }
        return lines.compactMap { SignalRecord(line: $0) }
    }

    /// Both files gone: a new run's records start afresh.
    public func clear() {
        unlink(path)
        unlink(previous)
    }

    /// The lock, tried for up to ~20 ms: writers hold it for microseconds.
    private static func lock(_ fd: Int32) -> Bool {
        for attempt in 0..<20 {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return true }
            if attempt < 19 { usleep(1000) }
        }
        return false
    }
}
