import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Confining agents: each start's sandbox and private home, an older factory's worktree
/// made a clone at its agent's first start, and what the sandbox and the clones tell the
/// attention queue.
extension Engine {
    /// The role's sandbox for this start, with the places it writes made and its home
    /// filled (its variables added to `environment`); nil when it runs unconfined — its role
    /// says `sandbox: off`, or this machine has no working bubblewrap.
    func confinement(_ role: String, _ def: RoleDefinition, argv: [String], environment: inout [String: String]) throws(SpawnError) -> SandboxSpec? {
        dispatchPrecondition(condition: .onQueue(queue))
        // factory itself is named too: the agent runs it (`factory say`, `verdict`) from its
        // PATH, and under /tmp (a build there, a test) it would be gone with the private /tmp.
        guard def.sandboxed, let sandbox = clones.sandbox(role, command: argv + [options.factoryPath]) else { return nil }
        let run = paths.run(role)
        try run.makeWritablePlaces()
        let user = ProcessRunner.currentEnvironment().merging(options.agentEnvironment) { $1 }
        environment.merge(try AgentHome(run).prepare(from: user)) { $1 }
        return sandbox
    }

    /// Before the role's agent starts: an older factory's git worktree becomes a clone; one
    /// that cannot (it has changes) is left as it is, and the attention queue says why.
    func convertCheckout(_ role: String) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard case .worktree = clones.checkout(role).kind else { return legacyCheckouts[role] = nil }
        if let left = clones.convert(role) {
            if legacyCheckouts[role] != left { event(.error, role: role, left) }
            legacyCheckouts[role] = left
        } else {
            legacyCheckouts[role] = nil
            event(.agentStarted, role: role, "\(paths.relative(paths.worktree(role))) is a clone of the repository now (it was a git worktree)")
            worktrees.refreshNow()
            // Its git folder has moved into it: watched there from now on.
            if let old = watcher {
                old.stop()
                startWatching()
            }
        }
    }

    /// The role's branch from its clone into the main repository, now (the agent ended: what
    /// it left is what the pipeline reads next). A failure is an event; the pipeline's own
    /// checks say what it means for the work.
    func fetchBack(_ role: String) {
        dispatchPrecondition(condition: .onQueue(queue))
        if let problem = clones.fetchBack(role) { event(.error, role: role, problem) }
    }

    /// How the role's agent runs: `on` (confined), `off` (its role says `sandbox: off`) or
    /// `unavailable` (no working bubblewrap). A run that has started says what it got.
    func sandboxState(_ role: String, run: AgentRun) -> AgentSnapshot.Sandbox {
        if run.state.isActive, let confined = run.sandboxed { return confined ? .on : (roles[role]?.sandboxed == false ? .off : .unavailable) }
        if roles[role]?.sandboxed == false { return .off }
        return clones.support.program == nil ? .unavailable : .on
    }

    /// The sandbox's part of the attention queue: worktrees left shared, clones whose git
    /// config would run programs. (No bubblewrap at all is said once, apart: the snapshot's
    /// `sandboxWarning`.)
    func sandboxAttention() -> [Attention] {
        var items: [Attention] = []
        for role in Role.all {
            if let left = legacyCheckouts[role] { items.append(Attention(kind: .sandbox, role: role, message: left, about: "worktree")) }
            if let programs = worktrees[role]?.programs, !programs.isEmpty {
                let confined = clones.support.program != nil
                let message = "\(role)'s clone sets \(programs.joined(separator: ", ")) in its git folder, which would run programs: "
                    + (confined ? "factory runs git there only inside \(role)'s sandbox" : "factory runs git there unconfined (no bubblewrap)")
                items.append(Attention(kind: .sandbox, role: role, message: message, about: programs.joined(separator: ",")))
            }
        }
        return items
    }
}
