import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A process and its ancestors as /proc shows them: what tells the engine whether a caller
/// runs under one of its agents. Orphans are re-parented to the keeper (it is its agent's
/// subreaper), and a sandboxed agent's processes sit below its sandbox's process, so an
/// agent cannot step out of its keeper's line by forking, daemonising or `setsid`.
struct ProcessAncestry {
    struct Entry: Equatable {
        var pid: Int32
        var arguments: [String]
    }

    /// The process first, then its parent, up to (not including) pid 1; empty when the
    /// process is gone.
    let line: [Entry]

    init(of pid: Int32, proc: String = "/proc") {
        var line: [Entry] = []
        var current = pid
        // Bounded: a cycle cannot happen in /proc, but a read racing an exit can show junk.
        while current > 1 && line.count < 128 {
            guard let parent = Self.parent(of: current, proc: proc) else { break }
            line.append(Entry(pid: current, arguments: Self.arguments(of: current, proc: proc)))
            current = parent
        }
        self.line = line
    }

    /// Field 4 of /proc/PID/stat. The name in field 2 may hold spaces and `)`: the fields
    /// are read after its last `)`.
    static func parent(of pid: Int32, proc: String) -> Int32? {
        guard let data = FileManager.default.contents(atPath: "\(proc)/\(pid)/stat"),
              let close = data.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = data[(close + 1)...].split(separator: UInt8(ascii: " "))
        guard fields.count > 1 else { return nil }
        return Int32(String(decoding: fields[1], as: UTF8.self))
    }

    static func arguments(of pid: Int32, proc: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: "\(proc)/\(pid)/cmdline") else { return [] }
        return data.split(separator: 0, omittingEmptySubsequences: false).dropLast(data.last == 0 ? 1 : 0)
            .map { String(decoding: $0, as: UTF8.self) }
    }
}
