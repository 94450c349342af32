import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Commands as values: run here, or sent to the engine that drives, with its real answer.
extension Engine {
    /// Runs `command` on this engine and says what it did; throws the reason it refused.
    public func perform(_ command: EngineCommand) throws(EngineError) -> String {
        switch command {
        case .start(let feature, let budget):
            try start(feature: feature, budgetUSD: budget)
            let limit = queue.sync { state.budgetUSD }.map { " (budget \(Budget.text($0)))" } ?? ""
            return "started \"\(feature.trimmingCharacters(in: .whitespacesAndNewlines))\"\(limit): the architect plans it"
        case .budget(let usd):
            return try setBudget(usd)
        case .approve(let note):
            try approve(note: note)
            let held = queue.sync { Budget.heldNote(state) }
            return held.isEmpty ? "plan approved: implementation begins" : "plan approved" + held
        case .reject(let reason):
            try reject(reason: reason)
            return "plan sent back to the architect"
        case .spawn(let role):
            try spawn(role: role)
            let (pid, over) = queue.sync { (pool.run(role).pid, state.overBudget ? " — over the feature's budget: \(Budget.text(state.featureCostUSD)) of \(Budget.text(state.budgetUSD ?? 0))" : "") }
            return "\(role) started (pid \(pid.map(String.init) ?? "?"))\(over)"
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
            let (phase, reason) = queue.sync { (state.phase, state.blockedReason) }
            return phase == .blocked ? "merge blocked: \(reason ?? "see factory status")" : "merge: phase \(phase.rawValue)"
        case .resume:
            try resume()
            let (phase, reason) = queue.sync { (state.phase, state.blockedReason) }
            // Resumed into the same block (a conflict still there): said as it is.
            if phase == .blocked { throw EngineError("still blocked: \(reason ?? "see factory status")") }
            return "resumed: phase \(phase.rawValue)"
        case .allow(let role, let always):
            return try answer(role: role, always ? .allowAlways : .allow)
        case .deny(let role, let reason):
            return try answer(role: role, .deny(reason: reason))
        case .send(let role, let text, let record):
            return try send(role: role, text: text, record: record)
        case .answer(let role, let answers):
            return try answer(role: role, .questions(answers))
        case .ping:
            return "phase \(queue.sync { state.phase.rawValue })"
        }
    }

    /// Runs `command` where the pipeline is driven: on this engine when it drives (or when
    /// nobody does), else over the driving engine's socket.
    public func send(_ command: EngineCommand) -> EngineAnswer {
        let driving = queue.sync { options.driving }
        if driving || !EngineLock.isHeld(paths.engineLock) {
            do throws(EngineError) { return EngineAnswer(ok: true, message: try perform(command)) } catch { return EngineAnswer(ok: false, message: error.description) }
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

    /// Opens `.agent-comms/engine.sock` for other processes' commands.
    func openCommandServer() {
        guard commandServer == nil else { return }
        do throws(SocketError) {
            commandServer = try CommandServer(path: paths.engineSocket) { [weak self] command in
                guard let self else { return EngineAnswer(ok: false, message: "the engine is shutting down") }
                do throws(EngineError) { return EngineAnswer(ok: true, message: try self.perform(command)) } catch {
                    return EngineAnswer(ok: false, message: error.description)
                }
            }
        } catch {
            event(.error, "cannot take commands from other processes: \(error.description)")
        }
    }
}
