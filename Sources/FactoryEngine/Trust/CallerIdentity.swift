import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Tells who a process is: one of this factory's agents when the engine's own record of an
/// agent — its pid (checked against its start time, so a reused pid is not mistaken) or its
/// keeper, that pid's parent — is among the process's ancestors; another agent when a
/// factory keeper or factory's terminal-session server is; the human otherwise. Nothing the
/// process says about itself (its environment, a role name, a file it wrote) counts.
struct CallerIdentity {
    /// Where an agent's line starts, by role: its pid and its keeper's.
    private var anchors: [(role: String, runID: String?, pids: Set<Int32>)] = []
    private let ownUser = geteuid()

    init(runs: [String: AgentRun], proc: String = "/proc") {
        for (role, run) in runs where run.state.isActive {
            guard let pid = run.pid, let ticks = run.startTicks, processStartTicks(pid) == ticks else { continue }
            var pids: Set<Int32> = [pid]
            if let keeper = ProcessAncestry.parent(of: pid, proc: proc), keeper > 1 { pids.insert(keeper) }
            anchors.append((role, run.runID, pids))
        }
    }

    /// The caller at the other end of a command socket, from its credentials.
    func caller(pid: Int32, uid: UInt32) -> Caller {
        guard uid == ownUser else { return .unknown("user \(uid)") }
        return caller(pid: pid)
    }

    func caller(pid: Int32) -> Caller {
        let ancestry = ProcessAncestry(of: pid)
        guard !ancestry.line.isEmpty else { return .unknown("process \(pid) is gone") }
        for entry in ancestry.line {
            if let anchor = anchors.first(where: { $0.pids.contains(entry.pid) }) { return .agent(role: anchor.role, runID: anchor.runID) }
        }
        // Not one of ours, but still an agent: another factory's, a keeper whose run this
        // engine does not know, or something started in factory's private tmux server.
        if ancestry.line.contains(where: { Self.isKeeper($0.arguments) || Self.isFactoryTerminal($0.arguments) }) {
            return .agent(role: nil, runID: nil)
        }
        return .human
    }

    /// `factory keeper RUNDIR`.
    static func isKeeper(_ arguments: [String]) -> Bool {
        arguments.count == 3 && arguments[1] == "keeper"
    }

    /// A tmux server or client on a factory's private socket (`tmux -L factory-…`).
    static func isFactoryTerminal(_ arguments: [String]) -> Bool {
        guard let program = arguments.first, (program as NSString).lastPathComponent.hasPrefix("tmux") else { return false }
        return zip(arguments, arguments.dropFirst()).contains { $0 == "-L" && $1.hasPrefix(TerminalSessions.socketPrefix) }
    }
}
