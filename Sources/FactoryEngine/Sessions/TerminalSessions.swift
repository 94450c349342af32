import Foundation

/// Agents that run in terminal sessions (`session: tmux` in a role file): each in a tmux
/// session of its own, named after its role, on a tmux server private to this factory — its
/// socket named after the repository (`tmux -L factory-…`), so the user's own sessions are
/// never touched or listed, and two factories never share one. Sessions outlive factory;
/// the agent in each runs under its keeper as any agent does, so a restarted factory
/// re-adopts it through the keeper's socket.
public struct TerminalSessions: Sendable {
    public let socket: String

    public init(root: String) {
        socket = Self.socketName(root: root)
    }

    /// One agent's session on this server.
    public struct Session: Sendable {
        public let sessions: TerminalSessions
        public let name: String
    }

    public func session(_ name: String) -> Session { Session(sessions: self, name: name) }

    /// What every factory's tmux socket name starts with.
    static let socketPrefix = "factory-"

    /// `factory-<name>-<hash>`: readable in `tmux ls`-style listings, unique per checkout.
    static func socketName(root: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in root.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let base = root.split(separator: "/").last.map(String.init) ?? "root"
        let name = String(base.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" }.prefix(20))
        return "\(socketPrefix)\(name.isEmpty ? "repo" : name)-\(String(hash, radix: 16).prefix(8))"
    }

    /// The way back from an attached session: this key, or tmux's own prefix then d.
    public static let detachKey = "C-]"
    public static let detachHint = "Ctrl-] (or Ctrl-b d) returns to factory"

    /// `tmux -L <socket> …`, the private server's config ignored (a user's ~/.tmux.conf must
    /// not change what the agents' terminals are, nor what factory reads from them).
    func argv(_ args: [String]) -> [String] { ["tmux", "-L", socket, "-f", "/dev/null"] + args }

    func run(_ args: [String]) -> ProcessResult {
        // Commands to the private server never act on the tmux a dashboard may run inside.
        ProcessRunner.run(argv(args), environment: ["TMUX": ""])
    }

    /// Is tmux here? A one-line error naming the package when not.
    public static func checkInstalled() throws(SpawnError) {
        let version = ProcessRunner.run(["tmux", "-V"])
        guard version.succeeded else {
            throw SpawnError("session: tmux needs tmux, which is not installed (apt-get install tmux)")
        }
    }

    /// A detached session named `name` running `command` in `directory`, 200×50 until a
    /// client attaches. The session ends when its command does.
    public func create(_ name: String, command: [String], directory: String) throws(SpawnError) {
        try Self.checkInstalled()
        // A session left from an earlier run (its agent ended, the keeper gone) is replaced.
        _ = run(["kill-session", "-t", "=\(name)"])
        let made = run(["new-session", "-d", "-s", name, "-x", "200", "-y", "50", "-c", directory, "--"] + command)
        guard made.succeeded else { throw SpawnError("cannot start a tmux session for \(name): \(made.firstErrorLine)") }
        configure()
    }

    /// The server's options, set each time a session starts (cheap, and a server started by
    /// an older factory gets them too): a status line that says how to come back, and a
    /// detach key that works even inside another tmux (whose prefix would take Ctrl-b).
    private func configure() {
        _ = run(["set-option", "-g", "status-right", " \(Self.detachHint) "])
        _ = run(["set-option", "-g", "status-right-length", "60"])
        _ = run(["set-option", "-g", "status-left-length", "30"])
        _ = run(["set-option", "-g", "history-limit", "10000"])
        _ = run(["bind-key", "-n", Self.detachKey, "detach-client"])
    }

    public func exists(_ name: String) -> Bool {
        run(["has-session", "-t", "=\(name)"]).succeeded
    }

    public func kill(_ name: String) {
        _ = run(["kill-session", "-t", "=\(name)"])
    }

    /// What `attach` runs: the private server's session in this terminal, with TMUX unset
    /// so it works from inside another tmux (as a nested client).
    public func attachArgv(_ name: String) -> [String] {
        ["env", "-u", "TMUX"] + argv(["attach-session", "-t", "=\(name)"])
    }

    /// Types `text` into the session's terminal as a paste — bracketed when the program
    /// asked for it, so its own shortcuts do not fire on the text — then presses Enter.
    public func send(_ name: String, text: String, enter: Bool = true) throws(SpawnError) {
        guard exists(name) else { throw SpawnError("\(name) has no terminal session") }
        let buffer = "factory-send-\(getpid())"
        let set = run(["set-buffer", "-b", buffer, "--", Self.pasteable(text)])
        guard set.succeeded else { throw SpawnError("cannot type into \(name): \(set.firstErrorLine)") }
        let pasted = run(["paste-buffer", "-p", "-d", "-b", buffer, "-t", "=\(name):"])
        guard pasted.succeeded else { throw SpawnError("cannot type into \(name): \(pasted.firstErrorLine)") }
        if enter { try keys(name, ["Enter"]) }
    }

    /// The text with every control character but line breaks and tabs taken out: an ESC
    /// could end the bracketed paste (`ESC [201~`) and what follows would arrive as keys
    /// (Shift-Tab, Ctrl-C); a C1 control is an escape in one byte.
    static func pasteable(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars where !(s.value < 0x20 && s != "\n" && s != "\t") && !(0x7F...0x9F).contains(s.value) {
            out.append(s)
        }
        return String(out)
    }

    /// Presses keys in the session (tmux key names: `Enter`, `Escape`, `1`).
    public func keys(_ name: String, _ keys: [String]) throws(SpawnError) {
        let sent = run(["send-keys", "-t", "=\(name):"] + keys)
        guard sent.succeeded else { throw SpawnError("cannot press keys in \(name): \(sent.firstErrorLine)") }
    }

    /// The session's screen as text (what is visible now).
    public func capture(_ name: String) -> String? {
        let out = run(["capture-pane", "-p", "-t", "=\(name):"])
        return out.succeeded ? out.stdout : nil
    }
}
