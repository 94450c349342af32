import PlanDocument

/// The stretches of PLAN.md an agent may not change: another role's verdict section for the
/// current feature, a message someone else sent, and another role's task row — marking the
/// builder's task done is the builder's to do (the architect, who writes the plan, may
/// reshape any task until the plan is approved). An agent's copy that changes one is taken
/// without that change; adding rows and messages stays open to all.
enum PlanRegions {
    static func othersOwn(_ plan: PlanDocument, role: String, feature: String, phase: Phase) -> [PlanRegion] {
        let current = PlanGuard.normalized(feature)
        let planning = role == "architect" && (phase == .planning || phase == .awaitingApproval)
        return plan.regions.filter { region in
            switch region.owner {
            case let .verdict(kind, subject):
                return PlanGuard.normalized(subject) == current && VerdictLedger.role(for: kind) != role
            case let .message(from):
                return from.lowercased() != role
            case let .task(_, agent):
                // A row for one of the other roles; one for nobody, or for all, is anyone's.
                return !planning && Role.all.contains(agent.lowercased()) && agent.lowercased() != role
            }
        }
    }

    /// A change of `lines` (empty: an insertion before that line) reaches into `region`;
    /// an insertion at its edges does not.
    static func touches(_ lines: Range<Int>, _ region: Range<Int>) -> Bool {
        lines.isEmpty ? lines.lowerBound > region.lowerBound && lines.lowerBound < region.upperBound : lines.overlaps(region)
    }

    static func refusal(_ role: String, _ region: PlanRegion) -> String {
        switch region.owner {
        case let .verdict(kind, _):
            return "The \(role) changed the \(VerdictLedger.role(for: kind))'s \(VerdictSection.heading(for: kind)) section of PLAN.md; that change was left out"
        case let .message(from):
            return "The \(role) changed a message from \(from) in PLAN.md; that change was left out"
        case let .task(id, agent):
            return "The \(role) changed task \(id), the \(agent.lowercased())'s, in PLAN.md; that change was left out"
        }
    }
}
