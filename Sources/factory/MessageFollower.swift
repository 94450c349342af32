import Foundation
import PlanDocument

/// New PLAN.md messages as they arrive, for `factory messages --follow` and
/// `factory events --follow`: the message log tailed from a shell, whether or not an engine
/// runs. Messages are told apart by what they say (from, to, time, body, and which
/// occurrence of those it is), not by their place in the file, so PLAN.md can be replaced by
/// a rename, cut short, deleted and written again without a message shown twice or missed.
struct MessageFollower {
    /// One message, as `factory events --follow` prints it.
    struct Event: Encodable {
        let kind = "message"
        var from: String
        var to: [String]
        var time: String
        var body: String

        init(_ m: PlanMessage) { (from, to, time, body) = (m.from, m.to, m.time, m.body) }
    }

    /// What makes a message the same message wherever it stands.
    private struct Identity: Hashable {
        var from: String, to: [String], time: String, body: String
        init(_ m: PlanMessage) { (from, to, time, body) = (m.from, m.to, m.time, m.body) }
    }

    let path: String
    /// How many of each message have been seen: a message beyond that count is new.
    private var seen: [Identity: Int] = [:]
    private var stamp: [Int] = []

    /// Starts after the messages PLAN.md has now, or (`fromStart`) before all of them, so
    /// that the first `fresh()` returns them.
    init(path: String, fromStart: Bool = false) {
        self.path = path
        guard !fromStart else { return }
        stamp = Self.stamp(path)
        _ = newMessages(in: Self.read(path) ?? [])
    }

    /// Messages that arrived since the last call, in file order. PLAN.md is parsed again
    /// only when it changed; one that cannot be read now (missing, half renamed) is tried
    /// again on the next change.
    mutating func fresh() -> [PlanMessage] {
        let now = Self.stamp(path)
        guard now != stamp else { return [] }
        stamp = now
        guard let all = Self.read(path) else { return [] }
        return newMessages(in: all)
    }

    private mutating func newMessages(in all: [PlanMessage]) -> [PlanMessage] {
        var counted: [Identity: Int] = [:], fresh: [PlanMessage] = []
        for m in all {
            let id = Identity(m)
            let n = counted[id, default: 0] + 1
            counted[id] = n
            if n > seen[id, default: 0] { fresh.append(m) }
        }
        for (id, n) in counted where n > seen[id, default: 0] { seen[id] = n }
        return fresh
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
