#if canImport(Glibc)
import Glibc
#endif
import PlanDocument

extension Engine {
    func makeSnapshot() -> Snapshot {
        let view = plan.view
        let agents = Role.all.map { role -> AgentSnapshot in
            let run = pool.run(role)
            let wt = worktrees[role]
            // Ours: the agent's process group, even while a killed agent is still exiting.
            let ours = run.pid
            let external = (wt?.processes ?? []).filter { p in ours.map { !isDescendant(p.pid, of: $0) } ?? true }
            var shown = run.state
            if !run.state.isActive && !external.isEmpty { shown = .external }
            var agent = AgentSnapshot(role: role, state: shown, pid: run.pid, exitCode: run.exitCode, startedAt: run.startedAt,
                                      attempts: run.attempts, tasks: Gates.counts(of: role, in: view),
                                      worktree: wt.map { summary($0, output: pool.supervisor.lastOutputTime(role)) }, external: external)
            agent.problem = run.problem
            agent.activity = run.step
            agent.costUSD = run.usage?.costUSD ?? 0
            agent.tokens = AgentSnapshot.Tokens(input: run.usage?.inputTokens ?? 0, output: run.usage?.outputTokens ?? 0)
            agent.request = run.state.isActive ? run.request : nil
            agent.session = run.state.isActive ? run.session.map { AgentSnapshot.SessionAddress(socket: terminals.socket, name: $0) } : nil
            agent.screenVersion = sessionScreens[role]?.version ?? 0
            agent.sandbox = sandboxState(role, run: run)
            return agent
        }
        let total = view.tasks.count, done = view.tasks.filter { $0.status == .done }.count
        var snapshot = Snapshot(phase: state.phase, feature: state.feature, agents: agents, attention: attention(agents),
                                tasks: TaskCounts(done: done, total: total), blockedReason: state.blockedReason,
                                blockedPhase: state.phase == .blocked ? state.blockedPhase : nil, conflicts: state.conflicts, plan: view, time: wallNow())
        snapshot.driving = options.driving
        snapshot.spentByPhase = state.spentByPhase ?? [:]
        snapshot.budgetUSD = state.budgetUSD
        snapshot.drivenBy = options.driving ? getpid() : EngineLock.holder(paths.engineLock)
        snapshot.sandboxWarning = clones.support.warning
        return snapshot
    }

    /// The worktree as `status` shows it; last activity is its files' or the agent's output,
    /// whichever is later (an agent printing without writing files is active too).
    func summary(_ s: WorktreeStatus, output: Double?) -> WorktreeSummary {
        let activity = [s.lastActivity, output.map { Int($0) }].compactMap { $0 }.max()
        return WorktreeSummary(path: paths.relative(s.path), health: s.health, problem: s.problem, branch: s.branch, head: s.head,
                               subject: s.subject, dirty: s.dirty, ahead: s.ahead, behind: s.behind, lastActivity: activity)
    }

    /// Ranked: PLAN.md broken or not writable, plan awaiting approval, security veto, merge
    /// conflict, failed agent, stalled agent, stopped agent, blocked. Each item says what it
    /// is about (`Attention.id`): a request by its ID, an agent's trouble by its run.
    func attention(_ agents: [AgentSnapshot]) -> [Attention] {
        var items: [Attention] = []
        if let problem = planProblem { items.append(Attention(kind: .plan, role: nil, message: problem, about: "read")) }
        if let problem = planWriteProblem { items.append(Attention(kind: .plan, role: nil, message: problem, about: "write")) }
        if let problem = stateProblem { items.append(Attention(kind: .plan, role: nil, message: problem, about: "state")) }
        // An agent waiting on a permission is stuck until someone answers: first in line.
        items.append(contentsOf: agents.compactMap(sessionWaits))
        // Short, for a line and a notification: each says where the request is read whole.
        let whole = " — whole in the request view and factory status; "
        for a in agents { if let request = a.request {
            if let question = request.questions?.first {
                let more = (request.questions?.count ?? 1) > 1 ? " (+\((request.questions?.count ?? 1) - 1) more)" : ""
                items.append(Attention(kind: .request, role: a.role,
                                       message: "\(a.role) asks: \(question.line.capped(ToolSummary.limit))\(more)\(whole)y answers, n declines (factory answer \(a.role) TEXT)",
                                       about: request.requestID))
            } else {
                items.append(Attention(kind: .request, role: a.role, message: "\(a.role) asks to run \(request.summary)\(whole)"
                                       + (request.tool == SessionScreen.tool ? "y allows, n denies (on its screen)" : "y allows, A always, n denies"),
                                       about: request.requestID))
            }
        } }
        for role in Role.all { if let problem = screenRuleProblems[role], pool.run(role).state.isActive {
            items.append(Attention(kind: .roleFile, role: role, message: problem + " (\(role)'s screen is not read until it is fixed)", about: problem))
        } }
        for role in Role.all { if let problem = roleProblems[role] {
            items.append(Attention(kind: .roleFile, role: role, message: problem, about: problem))
        } }
        if let budget = budgetAttention() { items.append(budget) }
        items.append(contentsOf: roleBudgetAttention())
        if state.phase == .awaitingApproval {
            items.append(Attention(kind: .approval, role: "architect", message: "the plan for \"\(state.feature)\" awaits approval: factory approve, or factory reject --reason",
                                   about: state.feature))
        }
        if let changes = state.planChangedSinceApproval, let seal = state.approval?.shortSeal, state.phase != .done {
            let shown = changes.prefix(3).joined(separator: " · ") + (changes.count > 3 ? " · (\(changes.count - 3) more)" : "")
            items.append(Attention(kind: .planChanged, role: "architect",
                                   message: "the plan changed since you approved it (seal \(seal)): \(shown) — factory approve accepts it as it is now",
                                   about: changes.joined(separator: "\n")))
        }
        if state.ledger.veto {
            let way = state.phase == .blocked ? ": factory override --reason sets it aside, or fix and factory resume" : ""
            items.append(Attention(kind: .veto, role: "security", message: "security vetoed the change (critical block)\(way)", about: runName("security")))
        }
        if !state.conflicts.isEmpty {
            items.append(Attention(kind: .conflict, role: nil, message: "merge conflict in \(state.conflicts.joined(separator: ", ")); main untouched",
                                   about: state.conflicts.joined(separator: ",")))
        }
        for a in agents where a.state == .failed || a.state == .timedOut {
            items.append(Attention(kind: .failed, role: a.role, message: failure(of: a), about: runName(a.role)))
        }
        for a in agents where a.state == .stalled {
            items.append(Attention(kind: .stalled, role: a.role, message: "\(a.role) has shown no output or file activity for a while", about: runName(a.role)))
        }
        // Killed by a human in this phase: the pipeline waits for it, so say so.
        // (A restart stops the agent first: it is not stopped, it is coming back.)
        for a in agents where a.state == .killed && state.phase.roles.contains(a.role) && pool.run(a.role).phase == state.phase
            && !pool.pendingRestarts.contains(a.role) {
            items.append(Attention(kind: .stopped, role: a.role, message: "\(a.role) was stopped and the pipeline waits for it: spawn it (s, or factory spawn \(a.role))",
                                   about: runName(a.role)))
        }
        for a in agents where a.worktree?.health != nil && a.worktree?.health != .ok && state.phase != .idle {
            items.append(Attention(kind: .failed, role: a.role, message: a.worktree?.problem ?? "worktree unusable", about: "worktree"))
        }
        items.append(contentsOf: sandboxAttention())
        if state.phase == .blocked, let reason = state.blockedReason, state.conflicts.isEmpty {
            items.append(Attention(kind: .blocked, role: nil, message: reason, about: state.blockedPhase?.rawValue ?? ""))
        }
        // Last: what was tried and refused or put back already did no harm. Each once, with
        // how many times it was tried.
        items.append(contentsOf: trustAttention())
        return items
    }

    /// The feature's trust alerts, the same one once (the latest), counted.
    func trustAttention() -> [Attention] {
        let alerts = state.alerts ?? []
        var count: [String: Int] = [:]
        for alert in alerts { count[alert.message, default: 0] += 1 }
        var shown: Set<String> = []
        return alerts.reversed().filter { shown.insert($0.message).inserted }.reversed().map { alert in
            let times = count[alert.message, default: 1]
            return Attention(kind: .trust, role: alert.role, message: alert.message + (times > 1 ? " (\(times) times)" : ""), about: alert.message)
        }
    }

    /// An agent's current run, as an attention item is about it: the keeper's name for the
    /// run and its attempt, so the next run's trouble is a new item.
    func runName(_ role: String) -> String {
        let run = pool.run(role)
        return "\(run.runID ?? "none")#\(run.attempts)"
    }

    /// What went wrong with an agent, in its own words where there are some.
    func failure(of agent: AgentSnapshot) -> String {
        if agent.state == .timedOut { return "\(agent.role) timed out" }
        if let problem = agent.problem { return "\(agent.role) failed: \(problem)" }
        return "\(agent.role) failed with status \(agent.exitCode.map(String.init) ?? "unknown")"
    }

    /// Is `pid` our agent or one of its descendants (same process group)? A process that has
    /// ended since the worktree was read counts as ours: it is nobody's work now (a confined
    /// agent's processes are not its group's leader, and vanish with it).
    func isDescendant(_ pid: Int32, of root: Int32) -> Bool {
        if pid == root { return true }
        let group = getpgid(pid)
        return group == root || (group < 0 && errno == ESRCH)
    }
}
