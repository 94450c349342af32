#if canImport(Glibc)
import Glibc
#endif

/// PLAN.md on disk: read it, and change it without losing anyone's write.
///
/// Every change takes an advisory lock (`PLAN.md.lock` beside it), reads the bytes as they
/// are now, applies the edit as an edit, writes a temporary file, fsyncs it, and renames it
/// over PLAN.md. Writers that do not lock (editors, agents) are caught by comparing the
/// file's identity before and after the new file is written, and by looking at the file
/// the new one replaced (`FileBytes.replace(_:withTemporary:ifStill:)`): if it moved, the
/// edit is applied again to what they wrote.
public struct PlanFile: Sendable {
    public let path: String
    /// A PLAN.md that is a symbolic link is written where it points — the human's own link.
    /// Off for a file someone less trusted can replace (an agent's copy): a link there is
    /// refused, never read or written through.
    public let followsLinks: Bool

    public init(path: String, followsLinks: Bool = true) {
        self.path = path
        self.followsLinks = followsLinks
    }

    public var lockPath: String { path + ".lock" }

    public func read() throws(PlanFileError) -> PlanDocument {
        PlanDocument(bytes: try FileBytes.read(path, followsLinks: followsLinks))
    }

    /// Applies `edits` in order to the current file. All or nothing: if one fails, the file
    /// is left untouched and the error says why.
    @discardableResult
    public func update(_ edits: [PlanEdit], lockTimeout: Double = 30) throws(PlanFileError) -> PlanDocument {
        try update(lockTimeout: lockTimeout) { _ in edits }
    }

    /// Like `update(_:)`, with the edits decided from the file as it is under the lock
    /// (say, the next free task ID).
    @discardableResult
    public func update(lockTimeout: Double = 30, _ makeEdits: (PlanDocument) throws(PlanEditError) -> [PlanEdit]) throws(PlanFileError) -> PlanDocument {
        try rewrite(lockTimeout: lockTimeout) { current throws(PlanEditError) in try current.applying(try makeEdits(current)) }
    }

    /// Replaces the file with a document made from it as it is under the lock — the same
    /// lock, checks and swap as `update`; `make` returns nil to leave the file as it is.
    /// An agent's copy of PLAN.md comes back this way, merged by lines.
    @discardableResult
    public func rewrite(lockTimeout: Double = 30, _ make: (PlanDocument) throws(PlanEditError) -> PlanDocument?) throws(PlanFileError) -> PlanDocument {
        // A missing PLAN.md is an error about PLAN.md, before a lock file is left beside it.
        _ = try FileBytes.identity(path)
        let lock = try FileLock.acquire(lockPath, timeout: lockTimeout, followsLinks: followsLinks)
        defer { lock.release() }
        // Writers that take no lock can keep PLAN.md busy; a growing, random pause between
        // tries (up to 20 ms, a few seconds in all) finds the gap between their writes.
        var pause = 0.001
        for attempt in 0..<200 {
            if attempt > 0 {
                usleep(UInt32(Double.random(in: 0...pause) * 1_000_000))
                pause = min(pause * 1.5, 0.02)
            }
            let before = try FileBytes.identity(path)
            let current = try read()
            let made: PlanDocument?
            do { made = try make(current) } catch { throw .edit(error) }
            guard let updated = made, updated.bytes != current.bytes else { return current }
            // Someone wrote between our read and now: read again rather than overwrite.
            guard try FileBytes.identity(path) == before else { continue }
            // A PLAN.md that is a link is written where it points; the link stays a link.
            let target = followsLinks ? FileBytes.resolvingLink(path) : path
            let temp = try FileBytes.writeTemporary(beside: target, updated.bytes)
            if try FileBytes.replace(target, withTemporary: temp, ifStill: before) { return updated }
        }
        throw .busy("PLAN.md kept changing under \(path); gave up after 200 tries")
    }

    public func update(_ edit: PlanEdit) throws(PlanFileError) -> PlanDocument { try update([edit]) }
}

public enum PlanFileError: Error, CustomStringConvertible, Equatable {
    case io(String)
    case busy(String)
    case edit(PlanEditError)

    public var description: String {
        switch self {
        case .io(let m), .busy(let m): return m
        case .edit(let e): return e.message
        }
    }
}
