import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a confined agent may write, and what it must not reach. The same sandbox holds the
/// agent and every git command factory runs on its clone (`CloneGit`).
///
/// It reads the whole system, and writes only:
/// - its own clone (`worktrees/<role>`), where its branch `agent/<role>` lives: the main
///   repository's refs and objects, the main checkout and the other agents' clones are read-only;
/// - its private home (`.agent-comms/run/<role>/home`, see `AgentHome`), its copy of PLAN.md
///   (`.agent-comms/run/<role>/plan/`) and its hook records (`signals.jsonl`) — the rest of
///   its run folder (the keeper's socket and records) is read-only, and the other agents' run
///   folders are hidden, so it cannot stand in for its keeper nor talk to another's;
/// - a private /tmp. The files its own command line names under /tmp (a script, a folder
///   it reads) are shown there, read-only: the role file that names them is the human's.
///
/// Hidden besides: the sockets through which a process could have something outside the
/// sandbox run code for it — the user's tmux servers (under /tmp, or `$TMUX_TMPDIR`), the
/// user's session bus and runtime folder (`/run/user/UID`: systemd, gpg and ssh agents), the
/// system bus, systemd's private socket, docker's, podman's and containerd's. The engine's
/// socket stays: agents send it their commands, and the engine decides what an agent may do.
public enum SandboxPolicy {
    /// The sandbox of `role`'s agent, whose checkout is `checkout`, to run `command`.
    public static func agent(_ role: String, paths: WorkspacePaths, program: String, checkout: AgentCheckout, command: [String] = [],
                             environment: [String: String] = ProcessInfo.processInfo.environment, uid: uid_t = getuid()) -> SandboxSpec {
        let run = paths.run(role)
        var mounts: [SandboxSpec.Mount] = [
            // Shown again when the factory lies under /tmp (a demo, a test); read-only as all.
            .init(.readOnly, paths.root),
            .init(.hidden, "\(paths.comms)/run"),
            .init(.readOnly, run.path),
            .init(.writable, run.home),
            .init(.writable, run.planCopyFolder),
            .init(.writable, run.signals),
            .init(.writable, checkout.path),
        ]
        // A git worktree of the main repository (an older factory's, not yet made a clone)
        // commits into the shared git folder: its agent must write it, refs and all.
        if case .worktree(let common) = checkout.kind { mounts.append(.init(.writable, common)) }
        mounts += outsideHelpers(environment: environment, uid: uid).map { .init(.hidden, $0) }
        // The factory itself is shown already (and a file of it bound here could not be
        // replaced by a rename, as PlanFile writes).
        let named = command.filter { isUnderTmp($0) && !$0.hasPrefix(paths.root + "/") && FileManager.default.fileExists(atPath: $0) }
        mounts += named.map { .init(.readOnly, $0) }
        // Folders the person running factory lets every agent write besides (a shared build
        // cache; CI's folder for sanitizer reports), in FACTORY_SANDBOX_WRITABLE.
        let granted = (environment["FACTORY_SANDBOX_WRITABLE"] ?? "").split(separator: ":").map(String.init)
        mounts += granted.filter { $0.hasPrefix("/") && FileManager.default.fileExists(atPath: $0) }.map { .init(.writable, $0) }
        return SandboxSpec(program: program, mounts: mounts, unsetEnvironment: unsetVariables)
    }

    /// Ways out that an environment variable names; the sockets themselves are hidden too.
    static let unsetVariables = ["SSH_AUTH_SOCK", "DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "GPG_AGENT_INFO"]

    /// Servers outside the sandbox that would run code for a client. Under /tmp they are
    /// gone with the private /tmp; elsewhere, hidden here (those that exist, when it starts).
    static func outsideHelpers(environment: [String: String], uid: uid_t) -> [String] {
        var found = ["/run/user/\(uid)", "/run/dbus", "/run/systemd/private", "/run/docker.sock", "/var/run/docker.sock",
                     "/run/podman", "/run/containerd"]
        if let tmux = environment["TMUX_TMPDIR"], tmux.hasPrefix("/"), !isUnderTmp(tmux) { found.append("\(tmux)/tmux-\(uid)") }
        for name in ["SSH_AUTH_SOCK", "XDG_RUNTIME_DIR"] {
            if let path = environment[name], path.hasPrefix("/"), !isUnderTmp(path) { found.append(path) }
        }
        if let bus = environment["DBUS_SESSION_BUS_ADDRESS"], let range = bus.range(of: "unix:path=") {
            let path = String(bus[range.upperBound...].prefix { $0 != "," })
            if path.hasPrefix("/"), !isUnderTmp(path) { found.append(path) }
        }
        // Each once, by the path it really has (`/var/run` is a link to `/run` on most systems):
        // bubblewrap mounts over the real place, not over a link to it.
        var seen: Set<String> = []
        return found.map(resolved).filter { seen.insert($0).inserted }
    }

    static func resolved(_ path: String) -> String {
        guard let real = realpath(path, nil) else { return path }
        defer { free(real) }
        return String(cString: real)
    }

    static func isUnderTmp(_ path: String) -> Bool { path == "/tmp" || path.hasPrefix("/tmp/") }
}

extension RunDirectory {
    /// The confined agent's home (`HOME`), kept from run to run.
    public var home: String { "\(path)/home" }

    /// The places in the run folder a confined agent writes, made if missing: bubblewrap
    /// binds only what exists. (Its home is made as it is filled, by `AgentHome`.)
    public func makeWritablePlaces() throws(SpawnError) {
        do { try FileManager.default.createDirectory(atPath: planCopyFolder, withIntermediateDirectories: true) } catch {
            throw SpawnError("cannot make \(planCopyFolder): \(error.localizedDescription)")
        }
        let fd = open(signals, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SpawnError("cannot make \(signals): \(String(cString: strerror(errno)))") }
        close(fd)
    }
}
