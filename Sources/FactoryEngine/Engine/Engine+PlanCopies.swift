import Foundation
import PlanDocument

/// Each agent works on its own copy of PLAN.md (`.agent-comms/run/<role>/plan/PLAN.md`, its
/// `$FACTORY_PLAN`). What it writes there comes back into PLAN.md as a three-way merge by
/// lines — so the engine knows which role wrote every change, checks the lines only the
/// human or one role may write against that role, and loses nothing another writer wrote
/// meanwhile. PLAN.md's changes go out to every running agent's copy. A sandboxed agent
/// can write its copy and not PLAN.md itself; the same copies carry PLAN.md to agents on
/// other hosts.
extension Engine {
    /// Gives `role` a fresh copy of PLAN.md as it is now; its path, for `$FACTORY_PLAN`.
    func giveCopy(_ role: String) throws(EngineError) -> String {
        dispatchPrecondition(condition: .onQueue(queue))
        let run = paths.run(role)
        // A link left where the copy or its lock goes is removed, never written through: the
        // agent may have pointed it at any file of the user's.
        for path in [run.planCopy, run.planCopy + ".lock"] where Self.isLinkOrOdd(path) { unlink(path) }
        do {
            try FileManager.default.createDirectory(atPath: run.planCopyFolder, withIntermediateDirectories: true)
            try AtomicFile.replace(run.planCopy, with: plan.bytes)
        } catch {
            throw EngineError("cannot write \(paths.relative(run.planCopy)): \(error)")
        }
        var copy = PlanCopy()
        copy.gave(plan.bytes)
        planCopies[role] = copy
        remember(role, gave: plan.bytes)
        return run.planCopy
    }

    /// The version last given, kept on disk: after a restart, what the agent wrote since is
    /// measured against it, so neither its edits nor anyone else's are lost.
    private func remember(_ role: String, gave bytes: [UInt8]) {
        try? AtomicFile.replace(paths.run(role).planGiven, with: bytes)
    }

    /// An agent's copy changed: its edits come into PLAN.md as that role's, the guarded
    /// lines are checked against it, and every copy gets the result.
    func takeCopy(_ role: String, look: Int = 0) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard var copy = planCopies[role], planProblem == nil else { return }
        let path = paths.run(role).planCopy
        if Self.isLinkOrOdd(path) || Self.isLinkOrOdd(path + ".lock") { return replaceOddCopy(role) }
        guard let written = try? PlanFile(path: path, followsLinks: false).read(), !copy.hasNothingNew(written.bytes) else { return }
        // A file written in place is seen mid-write now and then: empty, or stopped inside a
        // line. Looked at again shortly, it is whole; taken as it was, its missing end would
        // read as lines the agent deleted.
        if look < 5, written.bytes.last != 0x0A && written.bytes.last != 0x0D, plan.bytes.last == 0x0A || written.bytes.isEmpty {
            queue.asyncAfter(deadline: .now() + 0.05) { [weak self] in
                if let self, !self.stopped { self.takeCopy(role, look: look + 1) }
            }
            return
        }
        if let broken = PlanHealth.problem(written, path: "the \(role)'s copy of PLAN.md", featureStarted: state.phase != .idle) {
            return refuseCopy(role, written, because: broken)
        }
        let bases = copy.bases(of: written.bytes), feature = state.feature, phase = state.phase
        // Another's verdict section, message or task: not this agent's to change.
        let othersOwn = { (base: [UInt8]) in PlanRegions.othersOwn(PlanDocument(bytes: base), role: role, feature: feature, phase: phase) }
        var finding = PlanGuard.Finding()
        var refused: [PlanRegion] = []
        let guardState = state, now = wallNow()
        do {
            plan = try PlanFile(path: paths.plan).rewrite { current throws(PlanEditError) in
                let (result, base) = LineMerge.merge(bases: bases, ours: current.bytes, theirs: written.bytes) { base in
                    let others = othersOwn(base)
                    return { lines in others.allSatisfy { !PlanRegions.touches(lines, $0.lines) } }
                }
                refused = othersOwn(base).filter { region in result.refused.contains { PlanRegions.touches($0, region.lines) } }
                let merged = PlanDocument(bytes: result.bytes)
                let found = PlanGuard(view: merged.view, state: guardState, writer: .agent(role), now: now, before: current.view).check()
                // Lines already out of step in PLAN.md are put back too, but are not this agent's doing.
                finding = found.beyond(PlanGuard(view: current.view, state: guardState, writer: .agent(role), now: now).check())
                return found.putBack.isEmpty ? merged : try merged.applying(found.putBack)
            }
            lastWrittenPlan = FileStamp(paths.plan).flatMap { $0.size == plan.bytes.count ? $0 : nil }
            planWriteProblem = nil
        } catch {
            planWriteProblem = "cannot bring the \(role)'s edits into \(paths.relative(paths.plan)): \(error.description)"
            event(.error, role: role, planWriteProblem!)
            return
        }
        // Taken: the copy as written may be refreshed over; written again later, it is taken again.
        copy.took(written.bytes)
        planCopies[role] = copy
        let caller = Caller.agent(role: role, runID: pool.run(role).runID)
        // What was left out is kept, as the agent wrote it, for whoever wants to look.
        let kept = refused.isEmpty ? nil : keepRefused(role, written)
        for region in refused {
            raise(TrustAlert(role: role, message: PlanRegions.refusal(role, region) + (kept.map { " (its copy is kept as \($0))" } ?? ""), at: now), by: caller)
        }
        for alert in finding.alerts { raise(alert, by: caller) }
        checkApprovedPlan()
        refreshCopies()
    }

    /// A copy cut short or emptied is not taken (it would empty PLAN.md): it is kept beside
    /// the copy for whoever wants it, and the agent gets PLAN.md again.
    private func refuseCopy(_ role: String, _ written: PlanDocument, because problem: String) {
        let kept = keepRefused(role, written) ?? "nowhere: it could not be written"
        raise(TrustAlert(role: role, message: "\(problem.capitalizedFirst); not taken into PLAN.md (kept as \(kept))", at: wallNow()),
              by: .agent(role: role, runID: pool.run(role).runID))
        planCopies[role]?.took(written.bytes)
        refreshCopies()
    }

    /// An agent's copy as written, beside it; its path for the human, nil when it cannot be kept.
    private func keepRefused(_ role: String, _ written: PlanDocument) -> String? {
        let kept = paths.run(role).planCopyFolder + "/PLAN.md.refused-\(Int(wallNow() * 1000))"
        do { try AtomicFile.replace(kept, with: written.bytes) } catch { return nil }
        return paths.relative(kept)
    }

    /// PLAN.md changed: each running agent's copy becomes it — unless the agent has written
    /// its copy since it was last given, in which case that is taken first, once the
    /// engine's own change (whose write may be under way) is done.
    func refreshCopies() {
        dispatchPrecondition(condition: .onQueue(queue))
        for role in Array(planCopies.keys).sorted() {
            // An agent that has ended keeps its copy as it left it, until it is taken (its
            // last writes may not have been seen yet) and a new run is given a fresh one.
            guard var copy = planCopies[role], pool.run(role).state.isActive else { continue }
            var untaken = false
            let latest = plan
            let file = PlanFile(path: paths.run(role).planCopy, followsLinks: false)
            do {
                try file.rewrite { current in
                    if current.bytes == latest.bytes { return nil }
                    guard copy.isSeen(current.bytes) else { untaken = true; return nil }
                    return latest
                }
            } catch {
                // Gone or unreadable: the agent gets a new one.
                _ = try? giveCopy(role)
                continue
            }
            if untaken {
                queue.async { [weak self] in if let self, !self.stopped { self.takeCopy(role) } }
                continue
            }
            copy.gave(latest.bytes)
            planCopies[role] = copy
            remember(role, gave: latest.bytes)
        }
    }

    /// Not a plain file (a link, a pipe, a folder), where only a plain file belongs.
    static func isLinkOrOdd(_ path: String) -> Bool {
        var st = stat()
        guard lstat(path, &st) == 0 else { return false }
        return (st.st_mode & S_IFMT) != S_IFREG
    }

    /// The agent put something other than a file in its copy's place — a link to a file of
    /// the user's, say, for the engine to write through. It is removed, and the agent gets
    /// a fresh copy.
    private func replaceOddCopy(_ role: String) {
        let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: paths.run(role).planCopy)).map { " (a link to \($0))" } ?? ""
        raise(TrustAlert(role: role, message: "The \(role) put something other than a file in place of its copy of PLAN.md\(target); removed, never written through, and a fresh copy given", at: wallNow()),
              by: .agent(role: role, runID: pool.run(role).runID))
        _ = try? giveCopy(role)
    }

    /// The copies' folders, watched for the agents' writes (made now so they can be).
    func copyFolders() -> [String: String] {
        var folders: [String: String] = [:]
        for role in Role.all {
            let folder = paths.run(role).planCopyFolder
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            folders[folder] = role
        }
        return folders
    }

    /// After a restart: the copies of the agents recorded as running — still running, or
    /// ended while no engine ran — are known again by the version last given them, and what
    /// they wrote meanwhile is taken now.
    func adoptCopies() {
        dispatchPrecondition(condition: .onQueue(queue))
        for role in Role.all where pool.run(role).state.isActive && planCopies[role] == nil {
            let run = paths.run(role)
            guard FileManager.default.fileExists(atPath: run.planCopy) else { continue }
            var copy = PlanCopy()
            copy.gave((try? PlanFile(path: run.planGiven).read().bytes) ?? plan.bytes)
            planCopies[role] = copy
            takeCopy(role)
        }
    }
}
