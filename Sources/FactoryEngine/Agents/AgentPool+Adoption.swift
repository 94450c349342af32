import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Agents a previous engine started, taken over through their keepers.
extension AgentPool {
    /// Re-adopts the runs recorded as active that this engine did not start: through their
    /// keepers, which recorded how each ended while nobody watched.
    func adoptSurvivors() {
        dispatchPrecondition(condition: .onQueue(queue))
        for (role, run) in records where run.state.isActive && !spawnedHere.contains(run.pid ?? 0) {
            guard let pid = run.pid else { continue }
            if let runID = run.runID, let exit = AgentSupervisor.recordedExit(role: role, runID: runID, agentPid: pid, run: paths.run(role)) {
                exited(exit)
                continue
            }
            let agentProtocol = owner?.definition(of: role)?.agentProtocol ?? .text
            streams[role] = agentProtocol.decoder(cwd: paths.worktree(role))
            guard let runID = run.runID, supervisor.watch(role: role, runID: runID, agentPid: pid, readsOutput: agentProtocol.isDecoded) else {
                adoptionFailed(role, run)
                continue
            }
            if let def = owner?.definition(of: role), let started = run.startedAt {
                armTimeout(role, pid: pid, seconds: max(1, def.timeout - (wallNow() - started)))
            }
            armStallCheck()
            owner?.agentEvent(.agentAdopted, role: role, "\(role) re-adopted (pid \(pid))")
            if agentProtocol.isDecoded && run.session == nil { catchUp(role, agentProtocol) }
        }
        owner?.runsChanged()
    }

    /// No keeper answers for a run that should be active: its status is lost. An agent
    /// still alive without its keeper has nobody reading its output, so it is ended.
    private func adoptionFailed(_ role: String, _ run: AgentRun) {
        guard let pid = run.pid else { return }
        endUnread(run)
        exited(AgentSupervisor.Exit(role: role, pid: pid, runID: run.runID, status: nil, signal: nil,
                                    problem: "\(role)'s keeper was gone when factory started again; its exit status is unknown"))
    }

    /// Ends an agent whose keeper is gone — nobody reads its output or records its end any
    /// more — with its process group, if it is still the process that was started.
    func endUnread(_ run: AgentRun) {
        guard let pid = run.pid, let ticks = run.startTicks, processStartTicks(pid) == ticks else { return }
        Glibc.kill(-pid, SIGKILL)
        Glibc.kill(pid, SIGKILL)
    }
}
