import FactoryEngine
import TextWidth

/// The phases as a row with done / current / pending marks, the feature, and what the
/// current gate waits for (with the keys to press at the approval gate); what the feature has
/// cost, by phase, in the top border.
enum PipelinePane {
    static let steps: [(Phase, String)] = [
        (.planning, "plan"), (.awaitingApproval, "approve"), (.implementation, "build"),
        (.validation, "validate"), (.documentation, "docs"), (.merge, "merge"), (.done, "done"),
    ]

    static func draw(_ snap: Snapshot, in rect: Rect, on canvas: inout Canvas) {
        // A dashboard that watches another process says so: its keys go there.
        let title = snap.driving ? "factory" : "factory · watching \(snap.drivenBy.map { "pid \($0)" } ?? "")"
        canvas.box(rect, title: title, role: .border, titleRole: .title)
        let inner = rect.inner
        guard !inner.isEmpty else { return }
        drawCost(snap, after: rect.x + 1 + TextWidth.columns(of: " \(title) "), in: rect, on: &canvas)
        var x = inner.x + 1
        // Blocked: the phase that blocked gets the ✗ (planning, validation, merge…).
        let current = Phase.pipeline.firstIndex(of: snap.phase == .blocked ? phaseThatBlocked(snap) : snap.phase) ?? 0
        // Narrow terminals: marks only, with the current step named, so the gate still shows.
        let compact = inner.width < 110
        for (i, step) in steps.enumerated() {
            let index = Phase.pipeline.firstIndex(of: step.0) ?? 0
            let (mark, role): (String, ThemeRole) =
                snap.phase == .blocked && index == current ? ("✗", .phaseBlocked)
                : index < current || snap.phase == .done ? ("✓", .phaseDone)
                : index == current ? ("●", .phaseCurrent) : ("○", .phasePending)
            let label = compact && index != current ? mark : "\(mark) \(step.1)"
            x = canvas.text(label, x: x, y: inner.y, limit: inner.maxX, role: role)
            if i < steps.count - 1 { x = canvas.text(compact ? " " : " ─ ", x: x, y: inner.y, limit: inner.maxX, role: .dim) }
        }
        let gate = "  " + waitingFor(snap)
        x = canvas.text(gate, x: x, y: inner.y, limit: inner.maxX, role: snap.phase == .awaitingApproval || snap.phase == .blocked ? .attention : .text)
        if !snap.feature.isEmpty {
            canvas.text("  \(snap.feature)", x: x, y: inner.y, limit: inner.maxX, role: .dim)
        }
    }

    /// What the feature has cost, right-aligned in the top border: with each phase's share
    /// where there is room for all of them, else the total alone, else nothing.
    static func drawCost(_ snap: Snapshot, after titleEnd: Int, in rect: Rect, on canvas: inout Canvas) {
        guard snap.featureCostUSD > 0 else { return }
        let order = Dictionary(uniqueKeysWithValues: Phase.pipeline.enumerated().map { ($1.rawValue, $0) })
        let shares = snap.spentByPhase.filter { $0.value > 0 }.sorted { (order[$0.key] ?? .max, $0.key) < (order[$1.key] ?? .max, $1.key) }
            .map { key, cost in "\(Phase(rawValue: key).flatMap(label) ?? key) \(Figures.usd(cost))" }
        let total = "spent \(Figures.usd(snap.featureCostUSD))"
        let room = rect.maxX - 2 - (titleEnd + 1)
        for text in [" \(total) (\(shares.joined(separator: " · "))) ", " \(total) "] where TextWidth.columns(of: text) <= room {
            canvas.text(text, x: rect.maxX - 2 - TextWidth.columns(of: text), y: rect.y, limit: rect.maxX - 1, role: .title)
            return
        }
    }

    static func label(_ phase: Phase) -> String? { steps.first { $0.0 == phase }?.1 }

    /// The gate in words.
    static func waitingFor(_ snap: Snapshot) -> String {
        if let stopped = snap.attention.first(where: { $0.kind == .stopped }), let role = stopped.role {
            return "\(role) stopped — [s] spawn it"
        }
        if snap.attention.contains(where: { $0.kind == .budget }), let budget = snap.budgetUSD {
            return "budget spent (\(Budget.text(snap.featureCostUSD)) of \(Budget.text(budget))) — factory budget N"
        }
        switch snap.phase {
        case .idle: return "idle — start a feature: factory start \"…\""
        case .planning: return "the architect is designing"
        case .awaitingApproval: return "plan awaits you: [a] approve  [r] reject"
        case .implementation: return "waiting for the builder's tasks"
        case .validation: return "waiting for tester, reviewer and security"
        case .documentation: return "waiting for the docwriter"
        case .merge: return "merging"
        case .done: return "done — merged into main"
        case .blocked: return "blocked [u] resume: \(snap.blockedReason ?? "needs a human")"
        }
    }

    /// A snapshot from an engine that did not record the phase (an older state.json): a
    /// conflict blocked the merge; otherwise the phase is unknown and the row says build,
    /// as it always did.
    private static func phaseThatBlocked(_ snap: Snapshot) -> Phase {
        snap.blockedPhase ?? (snap.conflicts.isEmpty ? .implementation : .merge)
    }
}
