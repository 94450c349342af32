import Foundation
import PlanDocument
#if canImport(Glibc)
import Glibc
#endif

/// Commands as values: run here, or sent to the engine that drives, with its real answer.
extension Engine {
    /// Runs `command` on this engine for `caller` and says what it did; throws the reason
    /// it refused. What only the human may do is refused to anyone else.
    public func perform(_ command: EngineCommand, by caller: Caller = .human) throws(EngineError) -> String {
        // Typing into a session waits on tmux: it runs beside the queue, not on it.
        if case let .send(role, text, record) = command {
            try onQueue { () throws(EngineError) in try checkAllowed(command, by: caller) }
            return try send(role: role, text: text, record: record)
        }
        return try onQueue { () throws(EngineError) in
            try checkAllowed(command, by: caller)
            let before = actor
            actor = caller
            defer { actor = before }
            return try performAllowed(command, by: caller)
        }
    }

    /// The command's work, on the queue, for a caller allowed to give it.
    private func performAllowed(_ command: EngineCommand, by caller: Caller) throws(EngineError) -> String {
        dispatchPrecondition(condition: .onQueue(queue))
        switch command {
        case .start(let feature, let budget):
            try start(feature: feature, budgetUSD: budget)
            let limit = state.budgetUSD.map { " (budget \(Budget.text($0)))" } ?? ""
            return "started \"\(feature.trimmingCharacters(in: .whitespacesAndNewlines))\"\(limit): the architect plans it"
        case .budget(let usd):
            return try setBudget(usd)
        case .approve(let note):
            return try approve(note: note)
        case .reject(let reason):
            try reject(reason: reason)
            return "plan sent back to the architect"
        case .spawn(let role):
            try spawn(role: role)
            let over = state.overBudget ? " — over the feature's budget: \(Budget.text(state.featureCostUSD)) of \(Budget.text(state.budgetUSD ?? 0))" : ""
            return "\(role) started (pid \(pool.run(role).pid.map(String.init) ?? "?"))\(over)"
        case .kill(let role):
            try kill(role: role)
            return "\(role) stopped; it stays down until spawned"
        case .restart(let role):
            try restart(role: role)
            return "\(role) restarting"
        case .tell(let role, let text):
            try Self.checkRole(role, allowing: ["all"])
            try say(to: role, text: text)
            return "message sent to \(role)"
        case .merge:
            try merge()
            return state.phase == .blocked ? "merge blocked: \(state.blockedReason ?? "see factory status")" : "merge: phase \(state.phase.rawValue)"
        case .resume:
            try resume()
            // Resumed into the same block (a conflict still there): said as it is.
            if state.phase == .blocked { throw EngineError("still blocked: \(state.blockedReason ?? "see factory status")") }
            return "resumed: phase \(state.phase.rawValue)"
        case .allow(let role, let always):
            return try answer(role: role, always ? .allowAlways : .allow)
        case .deny(let role, let reason):
            return try answer(role: role, .deny(reason: reason))
        case .send:
            throw EngineError("typing into a session runs beside the engine's queue")
        case .answer(let role, let answers):
            return try answer(role: role, .questions(answers))
        case .ping:
            return "phase \(state.phase.rawValue)"
        case .verdict(let kind, _, let verdict):
            return try recordVerdict(kind, verdict: verdict, by: caller)
        case .override(let reason):
            return try overrideVeto(reason: reason)
        case let .addTask(id, agent, status, priority, description, dependsOn, table):
            let draft = TaskDraft(id: id, agent: agent, status: status, priority: priority, description: description, dependsOn: dependsOn, table: table)
            return try addTask(draft)
        }
    }

    /// Runs `command` where the pipeline is driven: on this engine when it drives (or when
    /// nobody does), else over the driving engine's socket — as this process's caller,
    /// whom the engine tells by the process, not by anything it says.
    public func send(_ command: EngineCommand) -> EngineAnswer {
        let (driving, caller) = queue.sync { (options.driving, identifySelf()) }
        if driving || !EngineLock.isHeld(paths.engineLock) {
            do throws(EngineError) { return EngineAnswer(ok: true, message: try perform(command, by: caller)) } catch { return EngineAnswer(ok: false, message: error.description) }
        }
        do throws(SocketError) { return try CommandClient.send(command, to: paths.engineSocket) } catch { return EngineAnswer(ok: false, message: error.description) }
    }

    /// A role name that is one of the six (or one of `allowing`), else a one-line error
    /// listing them.
    static func checkRole(_ role: String, allowing extra: [String] = []) throws(EngineError) {
        guard Role.all.contains(role) || extra.contains(role) else {
            throw EngineError("no role \"\(role)\" (roles: \((Role.all + extra).joined(separator: ", ")))")
        }
    }

    /// Opens `.agent-comms/engine.sock` for other processes' commands, each run for the
    /// caller its socket credentials lead to.
    func openCommandServer() {
        guard commandServer == nil else { return }
        do throws(SocketError) {
            commandServer = try CommandServer(path: paths.engineSocket) { [weak self] command, peer in
                guard let self else { return EngineAnswer(ok: false, message: "the engine is shutting down") }
                let caller = self.queue.sync { self.identify(peer) }
                do throws(EngineError) { return EngineAnswer(ok: true, message: try self.perform(command, by: caller)) } catch {
                    return EngineAnswer(ok: false, message: error.description)
                }
            }
        } catch {
            event(.error, "cannot take commands from other processes: \(error.description)")
        }
    }
}

extension Engine {
    /// Waits (up to an hour) for an engine to answer on the socket, then delivers `command`.
    static func waitForEngine(_ command: EngineCommand, _ paths: WorkspacePaths) -> EngineAnswer {
        FileHandle.standardError.write(Data("factory: no engine runs this factory now; waiting for one to take the \(command.name) (it starts with the dashboard)\n".utf8))
        let deadline = monotonicNow() + 3600
        while monotonicNow() < deadline {
            if let answer = deliverIfAnswered(command, to: paths) { return answer }
            usleep(500_000)
        }
        return EngineAnswer(ok: false, message: "no engine took the \(command.name) within an hour; nothing was recorded")
    }

    /// The driving engine's answer to `command`, or nil when no engine answers on the socket.
    public static func deliverIfAnswered(_ command: EngineCommand, to paths: WorkspacePaths) -> EngineAnswer? {
        guard let probe = try? UnixSocket.connect(to: paths.engineSocket) else { return nil }
        close(probe)
        do throws(SocketError) { return try CommandClient.send(command, to: paths.engineSocket) } catch {
            return EngineAnswer(ok: false, message: error.description)
        }
    }

    /// Delivers `command` to the factory at `paths` as this process: to its driving engine
    /// over the socket, or — nobody drives — through an engine opened here that acts and
    /// does not drive. What the CLI's commands and the simulated agent's verdicts go through.
    public static func deliver(_ command: EngineCommand, to paths: WorkspacePaths, factoryPath: String? = nil) -> EngineAnswer {
        if EngineLock.isHeld(paths.engineLock) {
            do throws(SocketError) { return try CommandClient.send(command, to: paths.engineSocket) } catch {
                return EngineAnswer(ok: false, message: error.description)
            }
        }
        // An engine that drives without the lock (one embedded in another program) still
        // listens: the one that answers is the one whose record counts.
        if let answer = deliverIfAnswered(command, to: paths) { return answer }
        // A confined agent cannot act here (PLAN.md and the engine's record are read-only
        // to it): its command waits for an engine to take it — the dashboard opened again.
        if access(paths.plan, W_OK) != 0 && errno == EROFS { return waitForEngine(command, paths) }
        var options = EngineOptions()
        options.driving = false
        if let factoryPath { options.factoryPath = factoryPath }
        do { return try Engine(paths: paths, options: options).send(command) } catch {
            return EngineAnswer(ok: false, message: "\(error)")
        }
    }
}
