import PlanDocument

/// What the dashboard's plan view shows, as PLAN.md has it: the verdicts that sent the work
/// back (when any did), the feature's design, and the sections holding its tasks.
public struct PlanReading: Sendable, Equatable {
    public var verdicts: [PlanSection]
    public var design: [PlanSection]
    public var tasks: [PlanSection]

    public init(verdicts: [PlanSection] = [], design: [PlanSection] = [], tasks: [PlanSection] = []) {
        self.verdicts = verdicts
        self.design = design
        self.tasks = tasks
    }

    /// Every section, in the order the view shows them.
    public var sections: [PlanSection] { verdicts + design + tasks }

    public init(_ plan: PlanDocument, feature: String) {
        let designs = plan.sections { $0.lowercased().hasPrefix("design") }
        // `## Design: <feature>`; a plan with one design only may name it otherwise.
        let named = designs.filter { $0.title.lowercased().contains(feature.lowercased()) && !feature.isEmpty }
        // Never another feature's design: only one that names no feature stands in.
        let unnamed = designs.filter { !$0.title.contains(":") }
        let taskTitles = Set(plan.view.taskTables.map(\.section))
        self.init(verdicts: plan.failedVerdictSections, design: named.isEmpty ? Array(unnamed.suffix(1)) : named,
                  tasks: plan.sections { taskTitles.contains($0) })
    }
}

extension Engine {
    /// The plan view's sections of PLAN.md as the engine last read it.
    public func planReading() -> PlanReading {
        let (plan, feature) = queue.sync { (self.plan, state.feature) }
        return PlanReading(plan, feature: feature)
    }
}
