import Dispatch

/// The two clocks on running agents: each run's timeout, and one stall check for all.
extension AgentPool {
    func armTimeout(_ role: String, pid: Int32, seconds: Double) {
        disarmTimeout(role)
        guard seconds > 0 else { return }
        timeoutDeadlines[role] = wallNow() + seconds
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + seconds)
        timer.setEventHandler { [weak self] in
            guard let self, self.run(role).pid == pid else { return }
            self.stop(role, as: .timedOut)
            self.owner?.agentTimedOut(role)
        }
        timeouts[role] = timer
        timer.resume()
    }

    func disarmTimeout(_ role: String) {
        timeouts.removeValue(forKey: role)?.cancel()
        timeoutDeadlines[role] = nil
        pausedTimeouts[role] = nil
    }

    /// The agent waits for a human's answer: its clock stops. A request nobody has answered
    /// yet is not the agent hanging, and killing it would throw the question away.
    func pauseTimeout(_ role: String) {
        guard let timer = timeouts.removeValue(forKey: role), let deadline = timeoutDeadlines.removeValue(forKey: role) else { return }
        timer.cancel()
        pausedTimeouts[role] = max(1, deadline - wallNow())
    }

    /// The answer came (or the request was withdrawn): the clock goes on where it stopped.
    func resumeTimeout(_ role: String) {
        guard let left = pausedTimeouts.removeValue(forKey: role), let pid = run(role).pid, run(role).state.isActive else { return }
        armTimeout(role, pid: pid, seconds: left)
    }

    /// While agents run, checks now and then for one with no output and no file activity
    /// for its role's stall time. No agents running: no timer.
    func armStallCheck() {
        guard stallTimer == nil else { return }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let shortest = Role.all.compactMap { owner?.definition(of: $0)?.stall }.min() ?? 60
        let every = max(0.5, min(5, shortest / 4))
        timer.schedule(deadline: .now() + every, repeating: every)
        timer.setEventHandler { [weak self] in self?.checkStalls() }
        stallTimer = timer
        timer.resume()
    }

    func checkStalls() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard active > 0 else { stallTimer?.cancel(); stallTimer = nil; return }
        let wall = wallNow()
        var changed = false
        // Waiting for a human, or done with its turn, is not being stuck.
        for (role, run) in records where run.state.isActive && run.state != .waitingInput && run.state != .idle {
            let stalled = isStalled(role, run, at: wall)
            if stalled != (run.state == .stalled) {
                records[role]?.state = stalled ? .stalled : (streams[role] != nil ? .working : .running)
                owner?.agentEvent(stalled ? .agentStalled : .agentResumed, role: role, "\(role) \(stalled ? "stalled" : "is active again")")
                changed = true
            }
        }
        if changed { owner?.runsChanged() }
        // Output moves "last activity" without any file event: readers see it at this pace.
        owner?.stallsChanged()
    }

    /// No output and no file activity for longer than the role's stall time.
    private func isStalled(_ role: String, _ run: AgentRun, at wall: Double) -> Bool {
        let stall = owner?.definition(of: role)?.stall ?? RoleDefinition.defaultStall
        // A fresh run counts from its start, not from an old log's last line.
        let lastOutput = max(supervisor.lastOutputTime(role) ?? 0, run.startedAt ?? 0)
        let quietOutput = lastOutput > 0 ? wall - lastOutput : .infinity
        let quietFiles = owner?.lastFileActivity(of: role).map { wall - $0 } ?? .infinity
        return min(quietOutput, quietFiles) > stall
    }
}
