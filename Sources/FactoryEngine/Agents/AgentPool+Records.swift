import Dispatch

/// The runs' record across features, phases and engines.
extension AgentPool {
    /// A phase entered again starts its roles' retry budgets afresh (a running agent keeps
    /// its own).
    func freshBudgets(for roles: [String]) {
        dispatchPrecondition(condition: .onQueue(queue))
        for role in roles where !run(role).state.isActive {
            records[role]?.phase = nil
            records[role]?.attempts = 0
        }
    }

    /// A new feature: only the runs still going are remembered.
    func forgetEnded() {
        dispatchPrecondition(condition: .onQueue(queue))
        records = records.filter { $0.value.state.isActive }
    }

    /// The runs as the driving engine saved them (a watching engine follows them).
    func follow(_ runs: [String: AgentRun]) {
        dispatchPrecondition(condition: .onQueue(queue))
        records = runs
    }

    /// Stops following agents and their timers; the agents keep running (a later engine
    /// re-adopts them).
    func shutdown() {
        dispatchPrecondition(condition: .onQueue(queue))
        stopped = true
        supervisor.stopWatching()
        stallTimer?.cancel()
        stallTimer = nil
        for t in timeouts.values { t.cancel() }
        timeouts = [:]
    }
}
