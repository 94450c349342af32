import PlanDocument

/// A `.agent-comms/HISTORY.md` entry for a merge: what changed and why, lessons, files,
/// commits. `HistoryWriter` commits it.
struct HistoryEntry {
    var feature: String
    /// This feature's builder tasks: what changed.
    var tasks: [PlanTask]
    var validationFailures: Int
    var branches: [String]
    var day: String
    /// Why the human set security's critical block aside, when they did.
    var securityOverride: String?

    /// The entry for the feature in `state`: only the builder tasks added since it started.
    init(for state: EngineState, view: PlanView, branches: [String], day: String) {
        let before = Set(state.tasksBeforeFeature ?? [])
        feature = state.feature
        tasks = Gates.tasks(of: "builder", in: view).filter { !before.contains($0.id) }
        validationFailures = state.validationFailures
        securityOverride = state.ledger[.security]?.overriddenBecause
        self.branches = branches
        self.day = day
    }

    func text(files: [String], commits: [String]) -> String {
        let built = tasks.map { "- \($0.id): \($0.description)" }
        var entry = "\n## \(day) — \(feature)\n\n**Why:** \(feature)\n\n**What changed:**\n"
        entry += (built.isEmpty ? ["- (no builder tasks recorded)"] : built).joined(separator: "\n")
        let failed = "validation failed \(validationFailures) time(s)"
        let lesson = securityOverride != nil ? (validationFailures == 0 ? "" : failed + "; ") + "the human overrode security's block"
            : validationFailures == 0 ? "validation passed the first time" : failed + " before passing"
        entry += "\n\n**Lessons:** \(lesson)\n"
        if let securityOverride {
            entry += "\n**Override:** security's critical block was set aside by the human: \(securityOverride)\n"
        }
        entry += "\n**Branches:** \(branches.joined(separator: ", "))\n\n**Files:**\n\(files.map { "- `\($0)`" }.joined(separator: "\n"))\n\n**Commits:**\n\(commits.joined(separator: "\n"))\n"
        return entry
    }
}
