import FactoryEngine

/// The phases as a row with done / current / pending marks, the feature, and what the
/// current gate waits for (with the keys to press at the approval gate).
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

    /// The gate in words.
    static func waitingFor(_ snap: Snapshot) -> String {
        if let stopped = snap.attention.first(where: { $0.kind == .stopped }), let role = stopped.role {
            return "\(role) stopped — [s] spawn it"
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
