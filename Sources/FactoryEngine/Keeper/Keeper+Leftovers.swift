import CLibc
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What an agent leaves behind: children still running in its process group, and the
/// orphans the keeper inherits as their subreaper (a child that called setsid, a daemon
/// that forked twice). None outlives the agent: nothing may go on working in a worktree
/// unseen, holding its files or its ports.
extension Keeper {
    /// Before the agent starts: orphans of its descendants come to the keeper, not to init.
    static func adoptOrphans() { _ = factory_become_subreaper() }

    /// The agent has ended: the rest are asked to end too (their last words are still
    /// logged while the keeper lingers).
    func askLeftoversToEnd() {
        Glibc.kill(-agentPid, SIGTERM)
        for pid in Self.children() { signalTree(pid, SIGTERM) }
    }

    /// The keeper is about to exit: whatever remains is killed, its orphans as they come.
    func killLeftovers() {
        guard agentPid > 0 else { return }
        Glibc.kill(-agentPid, SIGKILL)
        let deadline = wallNow() + 1
        while case let left = Self.children(), !left.isEmpty, wallNow() < deadline {
            for pid in left {
                signalTree(pid, SIGKILL)
                var status: Int32 = 0
                _ = waitpid(pid, &status, WNOHANG)
            }
            usleep(5_000)
        }
    }

    /// Collects orphans that have ended while the agent runs, so none lingers as a zombie;
    /// never the agent itself, whose status `reapAgent` takes.
    func reapOrphans() {
        while true {
            var info = siginfo_t()
            guard waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0 else { return }
            let pid = info._sifields._sigchld.si_pid
            guard pid > 0, pid != agentPid else { return }
            var status: Int32 = 0
            _ = waitpid(pid, &status, WNOHANG)
        }
    }

    /// The process and the group it leads, if it leads one (a setsid child does).
    private func signalTree(_ pid: pid_t, _ signal: Int32) {
        Glibc.kill(pid, signal)
        if getpgid(pid) == pid { Glibc.kill(-pid, signal) }
    }

    /// The keeper's children (its agent, once collected, is not among them).
    static func children() -> [pid_t] {
        let me = getpid()
        return procStats().compactMap { $0.parent == me ? $0.pid : nil }
    }
}
