import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A confined agent under its keeper: the keeper itself stays outside the sandbox and runs
/// bubblewrap with the agent's argv inside it. The pid the keeper knows is bwrap's (the
/// outer one); the agent and whatever it starts are in bwrap's process group, in a PID
/// namespace of their own.
extension Keeper {
    /// What to spawn, and the program named in errors (the agent's own, not bwrap).
    func commandLine() throws(SpawnError) -> (argv: [String], program: String) {
        guard let program = spec.argv.first else { throw SpawnError("the launch command for \(spec.role) is empty") }
        guard let sandbox = spec.sandbox else { return (spec.argv, program) }
        // bwrap would start and then fail to find it, an exit like any other: a program that
        // is not there is said as a start failure, as it is without a sandbox.
        let path = spec.environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard SandboxSupport.locate(program, path: path) != nil else { throw SpawnError("cannot start \(program): No such file or directory") }
        return (Bubblewrap.arguments(sandbox, command: spec.argv, directory: spec.directory), program)
    }

    /// The agent's exit status and the signal that ended it, from the wait status of what
    /// the keeper spawned. From inside a sandbox a signal arrives as 128 + its number.
    func endStatus(_ status: Int32) -> (code: Int32?, signal: Int32?) {
        let signaled = (status & 0x7f) != 0 && (status & 0x7f) != 0x7f
        if signaled { return (nil, status & 0x7f) }
        let code = (status >> 8) & 0xff
        return spec.sandbox == nil ? (code, nil) : Bubblewrap.exit(code: code)
    }

    /// Sends `sig` to the agent's process group. In a sandbox the outer bwrap is in that
    /// group too and has no handler: a SIGTERM would end it at once, and with it (it dies
    /// with its parent) the whole sandbox — the agent would get no time to stop cleanly.
    /// So every other member gets it; SIGKILL goes to the whole group.
    @discardableResult
    func signalAgent(_ sig: Int32) -> Bool {
        guard spec.sandbox != nil, sig != SIGKILL else {
            let group = Glibc.kill(-agentPid, sig) == 0
            return Glibc.kill(agentPid, sig) == 0 || group
        }
        var sent = false
        for pid in Self.processes(inGroup: agentPid) where pid != agentPid {
            if Glibc.kill(pid, sig) == 0 { sent = true }
        }
        return sent
    }

    /// The processes whose group is `group`, from /proc.
    static func processes(inGroup group: pid_t) -> [pid_t] {
        procStats().compactMap { $0.group == group ? $0.pid : nil }
    }

    /// Every process's pid, parent and group (fields 1, 4 and 5 of /proc/PID/stat; the
    /// command name in field 2 may hold spaces and parentheses, so fields are read after its
    /// last `)`).
    static func procStats() -> [(pid: pid_t, parent: pid_t, group: pid_t)] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { name in
            guard let pid = pid_t(name), let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, let parent = pid_t(fields[1]), let group = pid_t(fields[2]) else { return nil }
            return (pid, parent, group)
        }
    }
}
