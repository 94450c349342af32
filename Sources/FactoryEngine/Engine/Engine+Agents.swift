import Foundation
import PlanDocument

/// Starting an agent for the pipeline, and what the pool reports back.
extension Engine {
    /// Starts the role's agent. Returns false (with an event saying why) when it cannot.
    @discardableResult
    func startAgent(_ role: String) -> Bool {
        dispatchPrecondition(condition: .onQueue(queue))
        guard Role.all.contains(role) else { event(.error, role: role, "no role \(role)"); return false }
        guard !pool.run(role).state.isActive else { return true }
        let def: RoleDefinition
        do { def = try Self.loadRole(role, paths) } catch {
            roleProblems[role] = error.description
            return pool.startFailed(role, in: state.phase, error.description)
        }
        roles[role] = def
        roleProblems[role] = nil
        guard pool.hasRoom(for: role) else { return false }
        convertCheckout(role)
        let worktree = paths.worktree(role)
        guard worktrees[role]?.health == .ok || FileManager.default.fileExists(atPath: worktree) else {
            block("\(role)'s worktree \(paths.relative(worktree)) is missing; run factory init")
            return false
        }
        guard let launch = launch(role, def) else { return false }
        return pool.start(role, launch, in: state.phase, watch: options.driving)
    }

    /// Why `startAgent` returned false, in words for the one who asked.
    func startFailure(_ role: String) -> String {
        if let problem = pool.run(role).problem, pool.run(role).state == .failed { return "could not start \(role): \(problem)" }
        if !pool.run(role).state.isActive, pool.active >= options.maxConcurrentAgents {
            return "\(role) waits: \(options.maxConcurrentAgents) agents already running"
        }
        return "could not start \(role); see factory events"
    }

    /// The role's launch line, with its tasks and the feature in its prompt and environment,
    /// and its hooks' files ready; nil (the start failed, with an event) when they cannot be.
    private func launch(_ role: String, _ def: RoleDefinition) -> AgentLaunch? {
        let worktree = paths.worktree(role)
        let tasks = Gates.tasks(of: role, in: plan.view).map { "\($0.id) | \($0.status.rawValue) | \($0.description)" }.joined(separator: "\n")
        let prompt = "\(def.instructions)\n\n## Your tasks\n\(tasks.isEmpty ? "(none yet)" : tasks)\n\n## Feature request\n\(state.feature)\n"
        let run = paths.run(role)
        // The hook records are one run's: an earlier run's last word must not speak for this one.
        SignalFile(run.signals).clear()
        if def.usesHookSettings {
            do { try ClaudeHookSettings.write(run, factory: options.factoryPath) } catch {
                _ = pool.startFailed(role, in: state.phase, "cannot write \(paths.relative(run.claudeSettings)): \(error.description)")
                return nil
            }
        }
        // The agent's own copy of PLAN.md: what it writes there comes back as its role's.
        let copy: String
        do { copy = try giveCopy(role) } catch {
            _ = pool.startFailed(role, in: state.phase, error.description)
            return nil
        }
        let argv = def.argv(prompt: prompt, worktree: worktree, plan: copy, factory: options.factoryPath, run: run.path)
        var env = options.agentEnvironment
        env["FACTORY_ROLE"] = role
        env["FACTORY_RUN_DIR"] = run.path
        env["FACTORY_PLAN"] = copy
        env["FACTORY_TASKS"] = tasks
        env["FACTORY_FEATURE"] = state.feature
        env["FACTORY_WORKTREE"] = worktree
        // The role files tell agents to run `factory task set`, `factory say`…: this factory,
        // found first on PATH whether or not it is installed.
        let own = options.factoryPath
        if let slash = own.lastIndex(of: "/") {
            let base = env["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
            env["PATH"] = String(own[..<slash]) + ":" + base
        }
        let sandbox: SandboxSpec?
        do { sandbox = try confinement(role, def, argv: argv, environment: &env) } catch {
            _ = pool.startFailed(role, in: state.phase, error.description)
            return nil
        }
        return AgentLaunch(argv: argv, directory: worktree, environment: env, timeout: def.timeout,
                           agentProtocol: def.agentProtocol, prompt: prompt, inTerminal: def.inTerminal, sandbox: sandbox)
    }
}

extension Engine {
    /// A role file that could not be read is read again at each step until it can: the
    /// human's fix shows without restarting factory (the others are read at each start).
    func recheckBrokenRoles() {
        for role in roleProblems.keys {
            if let def = try? Self.loadRole(role, paths) {
                roles[role] = def
                roleProblems[role] = nil
            }
        }
    }
}

extension Engine: AgentPoolOwner {
    func definition(of role: String) -> RoleDefinition? { roles[role] }

    func lastFileActivity(of role: String) -> Double? { worktrees[role]?.lastActivity.map(Double.init) }

    func runsChanged() {
        save()
        watchSessions()
    }

    func agentEvent(_ kind: EngineEvent.Kind, role: String, _ message: String, request: EngineEvent.Request?) {
        event(kind, role: role, message, request: request)
    }

    /// What the agent did shows in PLAN.md and its clone; the pipeline may move on.
    func agentEnded(_ role: String, restart: Bool) {
        fetchBack(role)
        // Its last writes to its copy of PLAN.md count before the gates look.
        takeCopy(role)
        reloadPlan()
        worktrees.refreshNow()
        if restart { startAgent(role) }
        step()
    }

    func agentTimedOut(_ role: String) { step() }

    func stallsChanged() { publish() }

    /// Six agents streaming thousands of lines a second would make a snapshot per chunk;
    /// their activity is published at most once a frame (1/30 s), a request at once.
    func streamChanged(urgent: Bool) {
        if urgent { return publish() }
        guard !streamPublishScheduled else { return }
        streamPublishScheduled = true
        queue.asyncAfter(deadline: .now() + Self.streamBeat) { [weak self] in
            guard let self, !self.stopped else { return }
            self.streamPublishScheduled = false
            self.publish()
        }
    }

    static let streamBeat = 1.0 / 30

    /// Costs add up per phase of the feature (a run's own figure restarts with each attempt).
    func agentSpent(_ role: String, _ costUSD: Double) {
        state.spentByPhase = (state.spentByPhase ?? [:]).merging([state.phase.rawValue: costUSD], uniquingKeysWith: +)
        state.spentByRole = (state.spentByRole ?? [:]).merging([role: costUSD], uniquingKeysWith: +)
        checkBudget()
        save()
    }
}
