#if canImport(Glibc)
import Glibc
#endif

/// What a confined agent may touch, as the engine hands it to the agent's keeper (inside
/// `KeeperSpec`): the paths laid over a read-only view of the system, in order, and the
/// variables that must not reach it. The keeper turns it into a bubblewrap command line
/// around the agent's argv (`Bubblewrap.arguments`); the policy itself is `SandboxPolicy`'s.
public struct SandboxSpec: Codable, Sendable, Equatable {
    public enum Access: String, Codable, Sendable {
        /// Seen as it is, read-only (a path under one hidden before it, shown again).
        case readOnly = "ro"
        /// Read and written: the agent's own clone, home and copy of PLAN.md.
        case writable = "rw"
        /// Not there: an empty folder in a folder's place, an empty file in a socket's.
        case hidden
    }

    public struct Mount: Codable, Sendable, Equatable {
        public var path: String
        public var access: Access

        public init(_ access: Access, _ path: String) {
            self.path = path
            self.access = access
        }
    }

    /// The bubblewrap program the engine found.
    public var program: String
    /// Laid in this order over the read-only system, a private /tmp, /dev and /proc: a
    /// later one under an earlier one wins.
    public var mounts: [Mount]
    /// Variables that name a way out (an ssh agent, the session bus), unset for the agent.
    public var unsetEnvironment: [String]

    public init(program: String, mounts: [Mount], unsetEnvironment: [String] = []) {
        self.program = program
        self.mounts = mounts
        self.unsetEnvironment = unsetEnvironment
    }

    /// The paths the agent may write.
    public var writable: [String] { mounts.filter { $0.access == .writable }.map(\.path) }
}

/// bubblewrap's command line for a sandbox.
public enum Bubblewrap {
    /// `command` run in `directory` inside `spec`'s sandbox.
    ///
    /// - A PID namespace: the agent sees its own processes only, and every process it starts
    ///   ends with it (the namespace's first process is bwrap's own init; when the agent
    ///   exits, the outer bwrap exits with its status and `--die-with-parent` ends the rest).
    /// - No capabilities, even for root: a root agent could otherwise remount its read-only
    ///   view writable. /proc/sys is read-only too (kernel.core_pattern runs a program as
    ///   root outside any sandbox), and so is the rest of the system.
    /// - A fresh /dev (no other terminal reachable), a private /tmp (and with it the user's
    ///   tmux and other servers' sockets there), a private SysV IPC.
    /// - No `--new-session`: an agent in a terminal session keeps its terminal, and the
    ///   keeper's signals to its process group still reach it.
    /// - The network is the host's: agents need their model's API.
    public static func arguments(_ spec: SandboxSpec, command: [String], directory: String) -> [String] {
        var args = [spec.program, "--die-with-parent", "--unshare-pid", "--unshare-ipc", "--cap-drop", "ALL",
                    "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                    "--ro-bind", "/proc/sys", "/proc/sys", "--ro-bind-try", "/proc/sysrq-trigger", "/proc/sysrq-trigger",
                    "--tmpfs", "/tmp"]
        for mount in spec.mounts {
            switch mount.access {
            case .readOnly: args += ["--ro-bind-try", mount.path, mount.path]
            case .writable: args += ["--bind", mount.path, mount.path]
            case .hidden:
                // Only what is there needs hiding (bwrap cannot make a place for it in a
                // read-only folder); a socket is covered by an empty file.
                var st = stat()
                guard lstat(mount.path, &st) == 0 else { continue }
                if (st.st_mode & S_IFMT) == S_IFDIR {
                    args += ["--tmpfs", mount.path]
                } else {
                    args += ["--ro-bind", "/dev/null", mount.path]
                }
            }
        }
        for name in spec.unsetEnvironment { args += ["--unsetenv", name] }
        return args + ["--chdir", directory, "--"] + command
    }

    /// A status from inside a sandbox as the keeper records it: bwrap passes a signal that
    /// ended the agent on as 128 + the signal, the way a shell does.
    static func exit(code: Int32) -> (code: Int32?, signal: Int32?) {
        code > 128 && code < 128 + 65 ? (nil, code - 128) : (code, nil)
    }
}
