import PlanDocument

/// A verdict as the engine recorded it: given by the agent of its role through `factory
/// verdict` (or by the human), never read from what anyone wrote into PLAN.md. PLAN.md's
/// verdict lines mirror these; an edit that makes them say otherwise is put back.
public struct SealedVerdict: Codable, Sendable, Equatable {
    public var verdict: String
    public var subject: String
    /// The role that gave it, or `human`.
    public var by: String
    public var at: Double
    /// Security's critical block set aside by the human, and why.
    public var overriddenBecause: String?

    public init(verdict: String, subject: String, by: String, at: Double) {
        self.verdict = verdict
        self.subject = subject
        self.by = by
        self.at = at
    }
}

/// The current validation round's verdicts, by kind: what the validation gate reads.
public struct VerdictLedger: Codable, Sendable, Equatable {
    public var verdicts: [String: SealedVerdict] = [:]

    public init() {}

    public subscript(kind: VerdictKind) -> SealedVerdict? {
        get { verdicts[kind.rawValue] }
        set { verdicts[kind.rawValue] = newValue }
    }

    /// The role whose agent gives a kind of verdict.
    public static func role(for kind: VerdictKind) -> String {
        switch kind {
        case .tests: return "tester"
        case .review: return "reviewer"
        case .security: return "security"
        }
    }

    public static func kind(for role: String) -> VerdictKind? {
        VerdictKind.allCases.first { Self.role(for: $0) == role }
    }

    /// The verdict each kind stands at: `undecided` when none was given.
    public func standing(_ kind: VerdictKind) -> String { self[kind]?.verdict ?? "undecided" }

    /// Security's critical block stands (given, not overridden): it outweighs every other verdict.
    public var veto: Bool { self[.security].map { $0.verdict == "critical_block" && $0.overriddenBecause == nil } ?? false }

    /// Why `caller` may not give this verdict now; nil when it may. A verdict is its role's
    /// own; a critical block stands for its round, for security as for anyone.
    func refusal(of verdict: String, kind: VerdictKind, by caller: Caller) -> String? {
        let owner = Self.role(for: kind)
        switch caller {
        case .human, .engine: break
        case .agent(let role?, _) where role == owner: break
        default:
            return "only the \(owner) agent gives the \(kind.rawValue) verdict; \(caller.described) cannot"
        }
        // The human's verdict is the human's decision: no agent's later one replaces it.
        if self[kind]?.by == "human", !caller.isHuman {
            return "the human gave the \(kind.rawValue) verdict this round (\(self[kind]!.verdict.replacingOccurrences(of: "_", with: " "))); it stands"
        }
        if kind == .security, self[.security]?.verdict == "critical_block", verdict != "critical_block" {
            let by = self[.security]?.overriddenBecause == nil ? "" : " (overridden already)"
            return "security's critical block stands for this round\(by): the builder fixes it and security decides again next round, or the human overrides it with factory override --reason"
        }
        return nil
    }
}
