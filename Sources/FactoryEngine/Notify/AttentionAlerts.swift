/// Which attention items are new, by identity (`Attention.id`), never by wording: an item
/// alerts once, when it enters the queue, however its message changes while it stays; one
/// that leaves the queue and comes back alerts again. A value, so it tests without an engine.
public struct AttentionAlerts: Sendable, Equatable {
    /// The items now in the queue that have alerted, or that a human saw as they came.
    public private(set) var known: Set<String>

    public init(known: Set<String> = []) { self.known = known }

    /// The items of `queue` to alert to now, in its order, each once. An item of the agent the
    /// human is looking at is taken as seen: it never alerts, not even after they look away.
    public mutating func fresh(in queue: [Attention], lookingAt role: String? = nil) -> [Attention] {
        var alerts: [Attention] = []
        var now = Set<String>()
        for item in queue where now.insert(item.id).inserted && !known.contains(item.id) {
            if let role, item.role == role { continue }
            alerts.append(item)
        }
        // Only what is in the queue now is remembered: an item that left is forgotten, so
        // its return is news.
        known = now
        return alerts
    }
}
