import FactoryEngine

/// `p`: the feature's design and tasks as PLAN.md has them, made readable; above them, the
/// verdicts that sent the work back, when some did. At the approval gate, `a` and `r` act
/// from here.
enum PlanPane {
    static func rows(_ reading: PlanReading?, feature: String, width: Int) -> [StyledRow] {
        guard let reading else { return [StyledRows.of("reading…", .dim)] }
        guard !reading.sections.isEmpty else {
            return [StyledRows.of("PLAN.md has no design for \(feature.isEmpty ? "this feature" : feature) yet, and no tasks", .dim)]
        }
        var rows: [StyledRow] = []
        if !reading.verdicts.isEmpty {
            rows.append(StyledRows.of("Sent back by:", .attention))
            rows += PlanMarkdown.rows(reading.verdicts, width: width)
            rows.append([])
        }
        if reading.design.isEmpty {
            rows.append(StyledRows.of("PLAN.md has no design for \(feature.isEmpty ? "this feature" : feature) yet", .dim))
            rows.append([])
        }
        return rows + PlanMarkdown.rows(reading.design + reading.tasks, width: width)
    }

    /// The keys are in the status bar, made from the binding table: a title naming them
    /// would go stale the moment one is rebound.
    static func title(_ snap: Snapshot) -> String { "plan · \(snap.feature)" }

    static func draw(_ reading: PlanReading?, _ snap: Snapshot, top: Int, in rect: Rect, on canvas: inout Canvas) {
        let rows = rows(reading, feature: snap.feature, width: rect.inner.width)
        FullViewPane.draw(title: title(snap), count: rows.count, top: top, row: { rows[$0] }, in: rect, on: &canvas)
    }
}
