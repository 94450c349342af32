/// A task's status, normalised from the many ways PLAN.md files write it.
public enum TaskStatus: String, Sendable, Codable, CaseIterable {
    case done, wip, pending, blocked, failed, unknown

    /// Reads a status cell: the leading emoji decides when it is known, otherwise the first
    /// word or words, case-insensitively. `unknown` when neither matches.
    public init(cell: String) {
        var rest = Substring(cell)
        rest = rest.drop { $0 == " " || $0 == "*" || $0 == "_" || $0 == "~" || $0 == "`" }
        if rest.hasPrefix("[x]") || rest.hasPrefix("[X]") { self = .done; return }
        if rest.hasPrefix("[ ]") { self = .pending; return }
        if let first = rest.unicodeScalars.first, let status = Self.emoji[first.value] {
            self = status
            return
        }
        // Skip any other leading symbols (🟢, ▶, a variation selector) before the words.
        let words = rest.drop { !$0.isLetter && !$0.isNumber }.lowercased()
        for (phrase, status) in Self.phrases where words.hasPrefix(phrase) {
            let after = words.dropFirst(phrase.count).first
            if after == nil || !(after!.isLetter) { self = status; return }
        }
        self = .unknown
    }

    /// The text `factory` writes for a status: the template's emoji and word.
    public var cellText: String {
        switch self {
        case .done: return "✅ Done"
        case .wip: return "🔄 In Progress"
        case .pending: return "⏳ Pending"
        case .blocked: return "❌ Blocked"
        case .failed: return "🔴 Failed"
        case .unknown: return "❔ Unknown"
        }
    }

    private static let emoji: [UInt32: TaskStatus] = [
        0x2705: .done, 0x2714: .done, 0x2713: .done, 0x2611: .done,
        0x1F504: .wip, 0x1F6A7: .wip, 0x2699: .wip,
        0x23F3: .pending, 0x1F550: .pending,
        0x274C: .blocked, 0x26D4: .blocked, 0x1F6AB: .blocked,
        0x1F534: .failed, 0x1F4A5: .failed,
    ]

    // Longer phrases first so "in progress" is not read as "in".
    private static let phrases: [(String, TaskStatus)] = [
        ("completed", .done), ("complete", .done), ("done", .done), ("merged", .done), ("approved", .done),
        ("in progress", .wip), ("in-progress", .wip), ("wip", .wip), ("working", .wip), ("doing", .wip), ("active", .wip),
        ("not started", .pending), ("pending", .pending), ("todo", .pending), ("to do", .pending),
        ("waiting", .pending), ("queued", .pending), ("planned", .pending),
        ("blocked", .blocked), ("on hold", .blocked),
        ("failed", .failed), ("failure", .failed), ("error", .failed), ("broken", .failed),
    ]
}
