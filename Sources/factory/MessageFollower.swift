import Foundation
import InertText
import PlanDocument

/// New PLAN.md messages as events of kind `message`, for `factory events --follow`: the
/// message log tailed from a shell, whether or not an engine runs.
struct MessageFollower {
    /// One message, as `factory events --follow` prints it.
    struct Event: Encodable {
        let kind = "message"
        var from: String
        var to: [String]
        var time: String
        var body: String
    }

    let path: String
    private var seen: Int
    private var stamp: [Int] = []

    init(path: String) {
        self.path = path
        seen = Self.read(path)?.count ?? 0
        stamp = Self.stamp(path)
    }

    /// Messages that arrived since the last call. PLAN.md is parsed again only when it
    /// changed; one that cannot be read now is tried again on the next change, and one that
    /// lost messages (rewritten, cut short) starts counting from what it has.
    mutating func fresh() -> [Event] {
        let now = Self.stamp(path)
        guard now != stamp else { return [] }
        stamp = now
        guard let all = Self.read(path) else { return [] }
        defer { seen = all.count }
        guard all.count > seen else { return [] }
        return all[seen...].map { Event(from: $0.from, to: $0.to, time: $0.time, body: $0.body) }
    }

    private static func read(_ path: String) -> [PlanMessage]? {
        try? PlanFile(path: path).read().view.messages
    }

    /// Inode, size and modification time: what changes when anyone writes the file.
    private static func stamp(_ path: String) -> [Int] {
        var st = stat()
        guard stat(path, &st) == 0 else { return [] }
        return [Int(st.st_ino), Int(st.st_size), Int(st.st_mtim.tv_sec), Int(st.st_mtim.tv_nsec)]
    }
}
