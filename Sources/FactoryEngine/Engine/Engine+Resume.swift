extension Engine {
    /// Takes a blocked pipeline back to the phase that blocked, for the same feature, once a
    /// human has dealt with the cause: that phase's retry budgets start afresh, its entry
    /// work runs again (a validation round resets the validators' worktrees), and the
    /// change log says so. PLAN.md is written first: if it cannot be, nothing changes.
    public func resume() throws(EngineError) {
        try onQueue { () throws(EngineError) in
            guard state.phase == .blocked else { throw EngineError("nothing is blocked (phase \(state.phase.rawValue))") }
            guard let phase = state.blockedPhase, Self.resumable.contains(phase) else {
                throw EngineError("the pipeline did not block in a phase it can go back to; start a feature with factory start")
            }
            if let problem = planProblem { throw EngineError(problem) }
            let budgets = (validationFailures: state.validationFailures, conflicts: state.conflicts)
            if phase == .validation { state.validationFailures = 0 }
            state.conflicts = []
            do throws(EngineError) {
                try changePhase(PipelineMachine.Transition(to: phase, reason: "resumed by a human (blocked: \(state.blockedReason ?? "no reason recorded"))"))
            } catch {
                state.validationFailures = budgets.validationFailures
                state.conflicts = budgets.conflicts
                throw error
            }
            event(.resumed, "resumed at \(phase.rawValue)")
            step()
        }
    }

    static let resumable: [Phase] = [.planning, .awaitingApproval, .implementation, .validation, .documentation, .merge]
}
