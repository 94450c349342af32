/// One new attention item as the notify command reads it: a JSON object on its stdin.
public struct NotifyEvent: Sendable, Encodable, Equatable {
    /// `Attention.Kind`'s name: request, approval, veto, conflict, failed, stalled…
    public var kind: String
    public var role: String?
    public var message: String
    /// The item's identity (`Attention.id`): the same id never alerts twice in a row.
    public var id: String
    public var feature: String
    public var phase: String
    /// Seconds since the epoch.
    public var time: Double
    /// The factory's root directory.
    public var root: String

    public init(_ item: Attention, in snapshot: Snapshot, root: String) {
        kind = item.kind.rawValue
        role = item.role
        // A notification is a line or two; the cap also keeps the event within a pipe's buffer.
        message = String(item.message.prefix(2000))
        id = item.id
        feature = String(snapshot.feature.prefix(500))
        phase = snapshot.phase.rawValue
        time = snapshot.time
        self.root = root
    }

    private enum CodingKeys: String, CodingKey { case kind, role, message, id, feature, phase, time, root }

    /// `role` is always present, `null` for an item about no agent.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(role, forKey: .role)
        try c.encode(message, forKey: .message)
        try c.encode(id, forKey: .id)
        try c.encode(feature, forKey: .feature)
        try c.encode(phase, forKey: .phase)
        try c.encode(time, forKey: .time)
        try c.encode(root, forKey: .root)
    }
}
