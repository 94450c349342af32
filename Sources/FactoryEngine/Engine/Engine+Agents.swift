import Dispatch
import Foundation
import PlanDocument

extension Engine {
    var activeAgents: Int { state.runs.values.filter { $0.state.isActive }.count }

    /// Starts the role's agent. Returns false (with an event saying why) when it cannot.
    @discardableResult
    func startAgent(_ role: String) -> Bool {
        guard let def = roles[role] else { event("error", role: role, "no role \(role)"); return false }
        guard !state.run(role).state.isActive else { return true }
        guard activeAgents < options.maxConcurrentAgents else {
            event("waiting", role: role, "\(role) waits: \(options.maxConcurrentAgents) agents already running")
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
        do {
            let pid = try supervisor.spawn(role: role, argv: argv, directory: worktree, environment: env, detached: !options.driving)
            spawnedHere.insert(pid)
            run.state = .running
            run.pid = pid
            run.startedAt = wallNow()
            run.endedAt = nil
            run.exitCode = nil
            run.startTicks = processStartTicks(pid)
            run.attempts += 1
            run.phase = state.phase
            state.runs[role] = run
            armTimeout(role, pid: pid, seconds: def.timeout)
            armStallCheck()
            save()
            event("agent_started", role: role, "\(role) started (pid \(pid), attempt \(run.attempts))")
            return true
        } catch {
            run.state = .failed
            run.attempts += 1
            run.phase = state.phase
            state.runs[role] = run
            save()
            event("agent_failed", role: role, error.description)
            return false
        }
    }

    /// Ends the role's agent; its state becomes `killed` (or `timed_out`).
    func stopAgent(_ role: String, as final: AgentState = .killed) {
        var run = state.run(role)
        guard run.state.isActive, let pid = run.pid else { return }
        run.state = final
        state.runs[role] = run
        supervisor.terminate(pid: pid)
        timeouts.removeValue(forKey: role)?.cancel()
        save()
        event(final == .timedOut ? "agent_timed_out" : "agent_killed", role: role, "\(role) \(final == .timedOut ? "timed out" : "killed") (pid \(pid))")
    }

    func agentExited(_ exit: AgentSupervisor.Exit) {
        guard !stopped else { return }
        var run = state.run(exit.role)
        guard run.pid == exit.pid else { return }
        timeouts.removeValue(forKey: exit.role)?.cancel()
        run.endedAt = wallNow()
        run.exitCode = exit.status
        if run.state.isActive {
            if let status = exit.status { run.state = status == 0 ? .exited : .failed } else if exit.signal != nil { run.state = .killed } else { run.state = .exited }
        }
        state.runs[exit.role] = run
        save()
        let how = exit.status.map { "status \($0)" } ?? exit.signal.map { "signal \($0)" } ?? "exit status unknown"
        event("agent_exited", role: exit.role, "\(exit.role) \(run.state.rawValue) (\(how))")
        reloadPlan()
        refreshWorktreesNow()
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
        let now = monotonicNow(), wall = wallNow()
        var changed = false
        for (role, run) in state.runs where run.state.isActive {
            let stall = roles[role]?.stall ?? RoleDefinition.defaultStall
            let quietOutput = supervisor.lastOutputTime(role).map { now - $0 } ?? .infinity
            let quietFiles = worktrees[role]?.lastActivity.map { wall - Double($0) } ?? .infinity
            let stalled = min(quietOutput, quietFiles) > stall
            if stalled != (run.state == .stalled) {
                state.runs[role]?.state = stalled ? .stalled : .running
                event(stalled ? "agent_stalled" : "agent_resumed", role: role, "\(role) \(stalled ? "stalled" : "is active again")")
                changed = true
            }
        }
        if changed { save(); publish() }
    }

    /// Re-adopts agents a previous factory started that are still alive.
    func adoptSurvivors() {
        for (role, run) in state.runs where run.state.isActive && !spawnedHere.contains(run.pid ?? 0) {
            guard let pid = run.pid, let ticks = run.startTicks, processStartTicks(pid) == ticks, supervisor.adopt(role: role, pid: pid) else {
                state.runs[role]?.state = .exited
                state.runs[role]?.endedAt = wallNow()
                event("agent_lost", role: role, "\(role) (pid \(run.pid ?? 0)) ended while factory was away")
                continue
            }
            if let def = roles[role], let started = run.startedAt {
                armTimeout(role, pid: pid, seconds: max(1, def.timeout - (wallNow() - started)))
            }
            armStallCheck()
            event("agent_adopted", role: role, "\(role) re-adopted (pid \(pid))")
        }
        save()
    }
}
