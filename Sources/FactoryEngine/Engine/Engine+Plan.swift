import Foundation
import PlanDocument

/// PLAN.md as the engine keeps it: one locked write per change, a reread on every change
/// from outside (not on the echo of its own), and what is wrong with it when something is.
extension Engine {
    /// Applies edits under PLAN.md's lock and keeps the parsed result; false (with an event
    /// and an attention item saying why) when it cannot.
    @discardableResult
    func edit(_ edits: [PlanEdit]) -> Bool {
        do { try writePlan(edits) } catch { return false }
        return true
    }

    /// Applies all of `edits` in one locked write, or none: the error is the real cause
    /// ("cannot write .agent-comms/PLAN.md: … Permission denied").
    func writePlan(_ edits: [PlanEdit]) throws(EngineError) {
        guard !edits.isEmpty else { return }
        try writePlan { _ in edits }
    }

    /// Like `writePlan(_:)`, with the edits decided from PLAN.md as it is under the lock
    /// (the next free task ID, say).
    func writePlan(_ makeEdits: (PlanDocument) -> [PlanEdit]) throws(EngineError) {
        dispatchPrecondition(condition: .onQueue(queue))
        do {
            // Never into a PLAN.md cut short or replaced by something else (read under the
            // lock, as it is now): the engine's lines would land in a file the gates cannot read.
            let relative = paths.relative(paths.plan), started = state.phase != .idle
            plan = try PlanFile(path: paths.plan).update { current throws(PlanEditError) in
                if let problem = PlanHealth.problem(current, path: relative, featureStarted: started) { throw PlanEditError(problem) }
                return makeEdits(current)
            }
            // Only a file of exactly the bytes written counts as ours (another writer
            // between the rename and this stat would almost surely change the size).
            lastWrittenPlan = FileStamp(paths.plan).flatMap { $0.size == plan.bytes.count ? $0 : nil }
            planWriteProblem = nil
            planReadProblem = nil
            refreshCopies()
        } catch {
            let cause = "cannot write \(paths.relative(paths.plan)): \(error.description.replacingOccurrences(of: paths.root + "/", with: ""))"
            planWriteProblem = cause
            event(.error, cause)
            throw EngineError(cause)
        }
    }

    /// Reads PLAN.md again. One that cannot be read keeps the last good copy on screen and
    /// becomes an attention item; it is never recreated or written from that copy.
    func reloadPlan() {
        dispatchPrecondition(condition: .onQueue(queue))
        // The inotify event for our own rename: the parsed copy is already what is there.
        if let ours = lastWrittenPlan, FileStamp(paths.plan) == ours { return }
        lastWrittenPlan = nil
        do {
            plan = try PlanFile(path: paths.plan).read()
            planReadProblem = nil
            // Someone else changed the file since a write failed: what failed may no longer
            // apply (a human put the file right). The next write says so again if it does.
            planWriteProblem = nil
            // Someone else's change: the lines only the human or one role decides are
            // checked against the engine's record, and the agents' copies follow.
            guardPlan(writer: unknownWriter)
            if options.driving { refreshCopies() }
        } catch {
            planReadProblem = error.description.replacingOccurrences(of: paths.root + "/", with: "")
        }
        heapTrim.afterLargeFree()
    }

    /// What is wrong with PLAN.md now, if anything: the pipeline does not move while it is.
    var planProblem: String? {
        planReadProblem ?? PlanHealth.problem(plan, path: paths.relative(paths.plan), featureStarted: state.phase != .idle)
    }
}

/// A file's identity and last change, to tell a file we wrote from anyone else's.
struct FileStamp: Equatable {
    var device: UInt64, inode: UInt64, size: Int, changed: Int, changedNanos: Int

    init?(_ path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        size = Int(st.st_size)
        changed = Int(st.st_ctim.tv_sec)
        changedNanos = Int(st.st_ctim.tv_nsec)
    }
}
