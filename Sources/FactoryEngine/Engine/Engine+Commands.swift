import Foundation
import PlanDocument
#if canImport(Glibc)
import Glibc
#endif

/// What people (and the CLI) ask of the engine. Each runs on the engine queue.
extension Engine {
    public func start(feature: String) throws(EngineError) {
        try onQueue { () throws(EngineError) in
            guard [.idle, .done, .blocked].contains(state.phase) else {
                throw EngineError("a feature is in progress (phase \(state.phase.rawValue)); finish it first")
            }
            let text = feature.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { throw EngineError("describe the feature to build") }
            // A new feature needs a new approval.
            let unapprove: [PlanEdit] = Gates.approved(plan.view) ? [.setCheckpointItem(text: Gates.approvalItem, done: false)] : []
            try writePlan(unapprove + [
                .setField(name: "Feature", value: text),
                .appendMessage(from: "Human", to: ["Architect"], body: "New feature: \(text)", time: Clock.minute()),
            ])
            state = EngineState()
            pool.forgetEnded()
            state.feature = text
            transition(to: .planning, "feature requested: \(text)")
            step()
        }
    }

    public func approve(note: String? = nil) throws(EngineError) {
        try onQueue { () throws(EngineError) in
            guard state.phase == .awaitingApproval else { throw EngineError("nothing awaits approval (phase \(state.phase.rawValue))") }
            try tickApproval(note: note)
            step()
        }
    }

    /// Ticks the approval item, tells the architect, logs it; throws the real reason it
    /// could not (PLAN.md not writable, no such checkpoint item).
    func tickApproval(note: String?) throws(EngineError) {
        let body = "Plan approved." + (note.map { " \($0)" } ?? "")
        try writePlan([
            .setCheckpointItem(text: Gates.approvalItem, done: true),
            .appendMessage(from: "Orchestrator", to: ["Architect"], body: body, time: Clock.minute()),
            .appendChangeLog(date: Clock.day(), change: "Plan approved", by: "Human"),
        ])
        event(.approved, role: "architect", body)
    }

    /// The demo's automatic approval, for the pipeline: true when the plan was approved.
    func approvePlan(note: String?) -> Bool {
        do { try tickApproval(note: note); return true } catch { return false }
    }

    public func reject(reason: String) throws(EngineError) {
        try onQueue { () throws(EngineError) in
            guard state.phase == .awaitingApproval else { throw EngineError("nothing awaits approval (phase \(state.phase.rawValue))") }
            let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !why.isEmpty else { throw EngineError("give a reason for the architect") }
            let unapprove: [PlanEdit] = Gates.approved(plan.view) ? [.setCheckpointItem(text: Gates.approvalItem, done: false)] : []
            try writePlan(unapprove + [
                .appendMessage(from: "Human", to: ["Architect"], body: "Plan rejected: \(why)", time: Clock.minute()),
                .addTask(TaskDraft(agent: "architect", status: "pending", priority: "P0", description: "Revise the design: \(why)")),
                .appendChangeLog(date: Clock.day(), change: "Plan rejected: \(why)", by: "Human"),
            ])
            event(.rejected, role: "architect", "plan rejected: \(why)")
            step()
        }
    }

    public func spawn(role: String) throws(EngineError) {
        try onQueue { () throws(EngineError) in
            try Self.checkRole(role)
            let name = role
            guard !pool.run(name).state.isActive else { throw EngineError("\(name) is already running (pid \(pool.run(name).pid ?? 0))") }
            guard startAgent(name) else { throw EngineError("could not start \(name); see factory events") }
            publish()
        }
    }

    public func kill(role: String) throws(EngineError) {
        try onQueue { () throws(EngineError) in
            try Self.checkRole(role)
            guard pool.run(role).state.isActive else { throw EngineError("\(role) is not running") }
            pool.stop(role)
            publish()
        }
    }

    public func merge() throws(EngineError) {
        try onQueue { () throws(EngineError) in
            guard state.phase != .idle else { throw EngineError("no feature has been started") }
            _ = transition(to: .merge, "merge requested")
            if !options.driving { _ = runMerge() }
            step()
        }
    }

    /// Runs `body` on the engine queue (directly when already there).
    func onQueue<T>(_ body: () throws(EngineError) -> T) throws(EngineError) -> T {
        if DispatchQueue.getSpecific(key: Self.queueKey) == ObjectIdentifier(self) { return try body() }
        let result: Result<T, EngineError> = queue.sync { () -> Result<T, EngineError> in
            do throws(EngineError) { return .success(try body()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    static let queueKey = DispatchSpecificKey<ObjectIdentifier>()

}

/// The driving engine holds an exclusive lock on `.agent-comms/engine.lock` for its life, so
/// other `factory` processes know to send it commands instead of acting themselves.
public enum EngineLock {
    /// Takes the lock; nil when another engine holds it. The descriptor stays open.
    public static func acquire(_ path: String) -> Int32? {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 { close(fd); return nil }
        return fd
    }

    public static func isHeld(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { flock(fd, LOCK_UN); return false }
        return true
    }
}

extension Engine {
    /// A message from the human to a role, in PLAN.md.
    public func say(to role: String, text: String) throws(EngineError) {
        try onQueue { () throws(EngineError) in
            let body = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !body.isEmpty else { throw EngineError("nothing to say") }
            try writePlan([.appendMessage(from: "Human", to: [role], body: body, time: Clock.minute())])
            publish()
        }
    }

    /// Kills the role's agent and starts it again once it has exited.
    public func restart(role: String) throws(EngineError) {
        try onQueue { () throws(EngineError) in
            try Self.checkRole(role)
            if pool.run(role).state.isActive {
                pool.restart(role)
            } else {
                guard startAgent(role) else { throw EngineError("could not start \(role); see factory events") }
            }
            publish()
        }
    }
}

extension Engine {
    /// Ends every running agent at once (SIGKILL to each process group) and waits up to a
    /// second for them to go: for throwaway factories such as the demo's, before their
    /// folder is removed.
    public func killAllAgents() {
        let pids = queue.sync { pool.activePids }
        for pid in pids {
            Glibc.kill(-pid, SIGKILL)
            Glibc.kill(pid, SIGKILL)
        }
        let deadline = monotonicNow() + 1
        while pids.contains(where: { Glibc.kill($0, 0) == 0 && !isZombie($0) }) && monotonicNow() < deadline { usleep(10_000) }
    }

    private func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }
}
