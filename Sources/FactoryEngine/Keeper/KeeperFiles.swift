import Foundation
import PlanDocument

/// One role's keeper folder, `.agent-comms/run/<role>/`: what the keeper was asked to run,
/// who it is, how the agent ended, and the socket to reach it.
public struct RunDirectory: Sendable, Equatable {
    public let path: String

    public init(_ path: String) { self.path = path }

    public var spec: String { "\(path)/spec.json" }
    public var keeper: String { "\(path)/keeper.json" }
    public var exit: String { "\(path)/exit.json" }
    public var socket: String { "\(path)/keeper.sock" }
    /// Where a keeper started by tmux (which passes it no descriptor) gives its start word.
    public var startPipe: String { "\(path)/start.fifo" }
    /// The agent's own copy of PLAN.md (its `$FACTORY_PLAN`), in a folder of its own: what
    /// it writes there comes back into PLAN.md as its role's edits.
    public var planCopy: String { "\(path)/plan/PLAN.md" }
    public var planCopyFolder: String { "\(path)/plan" }
    /// The version of PLAN.md the engine last gave the agent: its base after a restart.
    public var planGiven: String { "\(path)/plan.given" }

    func read<T: Decodable>(_ type: T.Type, _ file: String) -> T? {
        guard let data = FileManager.default.contents(atPath: file) else { return nil }
        return try? JSONDecoder().decode(type, from: data)
    }

    func write<T: Encodable>(_ value: T, _ file: String) throws(PlanFileError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { throw .io("cannot encode \(file)") }
        try AtomicFile.replace(file, with: Array(data) + [0x0A])
    }

    public var exitRecord: AgentExitRecord? { read(AgentExitRecord.self, exit) }
    public var keeperRecord: KeeperRecord? { read(KeeperRecord.self, keeper) }
}

extension WorkspacePaths {
    /// The keeper folder of a role (the role name was validated).
    public func run(_ role: String) -> RunDirectory { RunDirectory("\(comms)/run/\(role)") }
}

/// What a keeper runs: written by the engine before it starts the keeper.
public struct KeeperSpec: Codable, Sendable, Equatable {
    /// Tells this run's records from an earlier run's in the same folder.
    public var runID: String
    public var role: String
    public var argv: [String]
    public var directory: String
    /// Added to the keeper's own environment.
    public var environment: [String: String]
    public var log: String
    public var logCap: Int
    /// Keep the agent's stdin open for input over the socket (agents that speak a protocol
    /// on it); otherwise it reads end-of-file at once.
    public var keepsInputOpen: Bool
    /// Read stderr apart from stdout (both still go to the log): a protocol spoken on stdout
    /// stays whole. Plain programs share one pipe, so the log keeps their exact order.
    public var separatesErrors: Bool
    /// Written to the agent's stdin as soon as it runs (a protocol agent's first message).
    public var initialInput: String?
    /// The run's attempt in its phase, marked in the log before its output (nil: no mark).
    public var attempt: Int?
    public var phase: String?
    /// The tmux session the keeper runs in (`session: tmux`): the agent gets the session's
    /// terminal as its stdin, stdout and stderr, in the foreground; nil: pipes, no terminal.
    public var terminalSession: String?
    /// An engine decodes its output live (a protocol it reads): the keeper holds what the
    /// engine has not taken yet, so none of it is lost to a slow or late reader.
    public var followed: Bool?
    /// The agent runs confined (bubblewrap around its argv); nil: as the user, unconfined.
    public var sandbox: SandboxSpec?

    public init(runID: String, role: String, argv: [String], directory: String, environment: [String: String], log: String,
                logCap: Int = 1 << 20, keepsInputOpen: Bool = false, separatesErrors: Bool = false, initialInput: String? = nil,
                attempt: Int? = nil, phase: String? = nil) {
        self.runID = runID
        self.role = role
        self.argv = argv
        self.directory = directory
        self.environment = environment
        self.log = log
        self.logCap = logCap
        self.keepsInputOpen = keepsInputOpen
        self.separatesErrors = separatesErrors
        self.initialInput = initialInput
        self.attempt = attempt
        self.phase = phase
    }
}

/// Who is running: written by the keeper once the agent has started.
public struct KeeperRecord: Codable, Sendable, Equatable {
    public var runID: String
    public var keeperPid: Int32
    public var agentPid: Int32
    /// With the pid, tells the agent from an unrelated process that reused its pid.
    public var agentStartTicks: UInt64?
    public var startedAt: Double
}

/// How the agent ended, written atomically by its keeper: the next engine reads it even if
/// nobody was watching when it happened.
public struct AgentExitRecord: Codable, Sendable, Equatable {
    public var runID: String
    public var agentPid: Int32?
    /// The exit status, when it exited.
    public var code: Int32?
    /// The signal that ended it, when one did.
    public var signal: Int32?
    public var endedAt: Double
    /// Why it never started ("cannot start claude: No such file or directory").
    public var error: String?
}
