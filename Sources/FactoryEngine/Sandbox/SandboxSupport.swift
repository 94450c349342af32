import Foundation

/// Whether this machine can confine agents: bubblewrap on PATH, and able to make a sandbox
/// here (a kernel or a container may refuse it the namespaces it needs). Tried once per
/// process with the same namespaces an agent's sandbox uses.
public enum SandboxSupport: Sendable, Equatable {
    case available(program: String)
    case missing
    /// bwrap is there but cannot make a sandbox: its first error line.
    case failing(String)

    public var program: String? {
        if case .available(let program) = self { return program }
        return nil
    }

    /// Said once by `factory init` and the dashboard when agents run unconfined.
    public var warning: String? {
        switch self {
        case .available: return nil
        case .missing: return "agents are not confined: bubblewrap is not installed (apt-get install bubblewrap)"
        case .failing(let why): return "agents are not confined: bubblewrap cannot make a sandbox here (\(why))"
        }
    }

    /// This machine's, found once. `FACTORY_BWRAP` names another program (a path, or a name
    /// looked up on PATH); a path that does not exist reads as bubblewrap missing.
    public static var current: SandboxSupport {
        lock.withLock {
            if let found { return found }
            let value = probe(ProcessInfo.processInfo.environment)
            found = value
            return value
        }
    }

    private static let lock = NSLockLike()
    nonisolated(unsafe) private static var found: SandboxSupport?

    static func probe(_ environment: [String: String]) -> SandboxSupport {
        let name = environment["FACTORY_BWRAP"] ?? "bwrap"
        guard let program = locate(name, path: environment["PATH"] ?? "/usr/bin:/bin") else { return .missing }
        let trial = ProcessRunner.run(Bubblewrap.arguments(SandboxSpec(program: program, mounts: []), command: ["true"], directory: "/"))
        return trial.succeeded ? .available(program: program) : .failing(trial.firstErrorLine)
    }

    /// `name` as a path, or its first executable on `path`.
    static func locate(_ name: String, path: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
