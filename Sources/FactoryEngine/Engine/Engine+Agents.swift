import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import PlanDocument

extension Engine {
    var activeAgents: Int { state.runs.values.filter { $0.state.isActive }.count }

    /// Starts the role's agent. Returns false (with an event saying why) when it cannot.
    @discardableResult
    func startAgent(_ role: String) -> Bool {
        guard roles[role] != nil else { event(.error, role: role, "no role \(role)"); return false }
        guard !state.run(role).state.isActive else { return true }
        let def: RoleDefinition
        do { def = try Self.loadRole(role, paths) } catch {
            return startFailed(role, "agents/\(role).md: \(error.description)")
        }
        roles[role] = def
        guard activeAgents < options.maxConcurrentAgents else {
            event(.waiting, role: role, "\(role) waits: \(options.maxConcurrentAgents) agents already running")
            return false
        }
        let worktree = paths.worktree(role)
        guard worktrees[role]?.health == .ok || FileManager.default.fileExists(atPath: worktree) else {
            block("\(role)'s worktree \(paths.relative(worktree)) is missing; run factory init")
            return false
        }
        let tasks = Gates.tasks(of: role, in: plan.view).map { "\($0.id) | \($0.status.rawValue) | \($0.description)" }.joined(separator: "\n")
        let prompt = "\(def.instructions)\n\n## Your tasks\n\(tasks.isEmpty ? "(none yet)" : tasks)\n\n## Feature request\n\(state.feature)\n"
        let argv = def.argv(prompt: prompt, worktree: worktree, plan: paths.plan, factory: options.factoryPath)
        var env = options.agentEnvironment
        env["FACTORY_ROLE"] = role
        env["FACTORY_PLAN"] = paths.plan
        env["FACTORY_TASKS"] = tasks
        env["FACTORY_FEATURE"] = state.feature
        env["FACTORY_WORKTREE"] = worktree
        var run = state.run(role)
        if run.phase != state.phase { run.attempts = 0 }
        run.attempts += 1
        run.phase = state.phase
        run.endedAt = nil
        run.exitCode = nil
        run.problem = nil
        do {
            let started = try supervisor.spawn(role: role, argv: argv, directory: worktree, environment: env, watch: options.driving)
            spawnedHere.insert(started.agentPid)
            run.state = .running
            run.pid = started.agentPid
            run.runID = started.runID
            run.startedAt = wallNow()
            run.startTicks = processStartTicks(started.agentPid)
            state.runs[role] = run
            armTimeout(role, pid: started.agentPid, seconds: def.timeout)
            armStallCheck()
            save()
            event(.agentStarted, role: role, "\(role) started (pid \(started.agentPid), attempt \(run.attempts))")
            return true
        } catch {
            return startFailed(role, error.description)
        }
    }

    /// The run could not start: it counts as an attempt, and the reason is kept for the
    /// attention queue and `status`.
    private func startFailed(_ role: String, _ reason: String) -> Bool {
        var run = state.run(role)
        if run.phase != state.phase { run.attempts = 0 }
        run.attempts += 1
        run.state = .failed
        run.phase = state.phase
        run.pid = nil
        run.problem = reason
        run.endedAt = wallNow()
        state.runs[role] = run
        save()
        event(.agentFailed, role: role, reason)
        return false
    }

    /// Ends the role's agent; its state becomes `killed` (or `timed_out`).
    func stopAgent(_ role: String, as final: AgentState = .killed) {
        var run = state.run(role)
        guard run.state.isActive, let pid = run.pid else { return }
        run.state = final
        state.runs[role] = run
        supervisor.terminate(role: role, pid: pid)
        timeouts.removeValue(forKey: role)?.cancel()
        save()
        event(final == .timedOut ? .agentTimedOut : .agentKilled, role: role, "\(role) \(final == .timedOut ? "timed out" : "killed") (pid \(pid))")
    }

    func agentExited(_ exit: AgentSupervisor.Exit) {
        guard !stopped else { return }
        var run = state.run(exit.role)
        guard run.pid == exit.pid, exit.runID == nil || run.runID == nil || exit.runID == run.runID else { return }
        timeouts.removeValue(forKey: exit.role)?.cancel()
        run.ended(code: exit.status, signal: exit.signal, problem: exit.problem, at: wallNow())
        state.runs[exit.role] = run
        save()
        let how = exit.status.map { "status \($0)" } ?? exit.signal.map { "signal \($0)" } ?? exit.problem ?? "exit status unknown"
        event(exit.problem != nil && exit.status == nil ? .agentLost : .agentExited, role: exit.role, "\(exit.role) \(run.state.rawValue) (\(how))")
        reloadPlan()
        worktrees.refreshNow()
        if pendingRestarts.remove(exit.role) != nil { startAgent(exit.role) }
        step()
    }

    func armTimeout(_ role: String, pid: Int32, seconds: Double) {
        timeouts.removeValue(forKey: role)?.cancel()
        guard seconds > 0 else { return }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + seconds)
        timer.setEventHandler { [weak self] in
            guard let self, self.state.run(role).pid == pid else { return }
            self.stopAgent(role, as: .timedOut)
            self.step()
        }
        timeouts[role] = timer
        timer.resume()
    }

    /// While agents run, checks now and then for one with no output and no file activity
    /// for its role's stall time. No agents running: no timer.
    func armStallCheck() {
        guard stallTimer == nil else { return }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let every = max(0.5, min(5, (roles.values.map(\.stall).min() ?? 60) / 4))
        timer.schedule(deadline: .now() + every, repeating: every)
        timer.setEventHandler { [weak self] in self?.checkStalls() }
        stallTimer = timer
        timer.resume()
    }

    func checkStalls() {
        guard activeAgents > 0 else { stallTimer?.cancel(); stallTimer = nil; return }
        let wall = wallNow()
        var changed = false
        for (role, run) in state.runs where run.state.isActive {
            let stall = roles[role]?.stall ?? RoleDefinition.defaultStall
            // A fresh run counts from its start, not from an old log's last line.
            let lastOutput = max(supervisor.lastOutputTime(role) ?? 0, run.startedAt ?? 0)
            let quietOutput = lastOutput > 0 ? wall - lastOutput : .infinity
            let quietFiles = worktrees[role]?.lastActivity.map { wall - Double($0) } ?? .infinity
            let stalled = min(quietOutput, quietFiles) > stall
            if stalled != (run.state == .stalled) {
                state.runs[role]?.state = stalled ? .stalled : .running
                event(stalled ? .agentStalled : .agentResumed, role: role, "\(role) \(stalled ? "stalled" : "is active again")")
                changed = true
            }
        }
        if changed { save(); publish() }
    }

    /// Re-adopts agents a previous factory started: through their keepers, which recorded
    /// how each ended while nobody watched.
    func adoptSurvivors() {
        for (role, run) in state.runs where run.state.isActive && !spawnedHere.contains(run.pid ?? 0) {
            guard let pid = run.pid else { continue }
            let records = paths.run(role)
            if let runID = run.runID, let record = records.exitRecord, record.runID == runID {
                agentExited(AgentSupervisor.Exit(role: role, pid: pid, runID: runID, status: record.code, signal: record.signal, problem: record.error))
                continue
            }
            guard let runID = run.runID, supervisor.watch(role: role, runID: runID, agentPid: pid) else {
                adoptionFailed(role, run)
                continue
            }
            if let def = roles[role], let started = run.startedAt {
                armTimeout(role, pid: pid, seconds: max(1, def.timeout - (wallNow() - started)))
            }
            armStallCheck()
            event(.agentAdopted, role: role, "\(role) re-adopted (pid \(pid))")
        }
        save()
    }

    /// No keeper answers for a run that should be active: its status is lost. An agent
    /// still alive without its keeper has nobody reading its output, so it is ended.
    private func adoptionFailed(_ role: String, _ run: AgentRun) {
        guard let pid = run.pid else { return }
        if let ticks = run.startTicks, processStartTicks(pid) == ticks {
            Glibc.kill(-pid, SIGKILL)
            Glibc.kill(pid, SIGKILL)
        }
        agentExited(AgentSupervisor.Exit(role: role, pid: pid, runID: run.runID, status: nil, signal: nil,
                                         problem: "\(role)'s keeper was gone when factory started again; its exit status is unknown"))
    }
}
