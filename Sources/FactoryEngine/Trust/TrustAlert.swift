/// Something an agent (or an unknown writer) tried that only the human or another role may
/// do — refused or put back — shown to the human for the rest of the feature, and kept for
/// good in events.jsonl.
public struct TrustAlert: Codable, Sendable, Equatable {
    /// The role that tried it, when known.
    public var role: String?
    public var message: String
    /// Seconds since the epoch.
    public var at: Double

    public init(role: String?, message: String, at: Double) {
        self.role = role
        self.message = message
        self.at = at
    }
}
