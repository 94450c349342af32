import Foundation
import Yams

/// What `agents/<role>.md` says: how to launch the role's agent, the phase it serves, its
/// time budget, and the instructions it is given.
///
/// The file may start with a front-matter block:
///
///     ---
///     phase: implementation
///     preset: claude                 # or: command: ["my-agent", "--prompt", "{prompt}"]
///     protocol: claude               # how its output is read: claude | codex | gemini | text
///     timeout: 3600                  # seconds before the run is killed
///     retries: 3                     # restarts allowed per phase
///     stall: 600                     # seconds without output or file activity = stalled
///     allow: ["Edit", "Bash(git commit:*)"]   # answered yes without asking (claude protocol)
///     deny: ["Bash(git push:*)"]              # answered no without asking
///     session: tmux                  # run in a tmux session of its own: attach with o
///     budget_usd: 2.50               # this role's spend per feature, past which it starts no turn
///     sandbox: off                   # run as the user, unconfined (default: on where bubblewrap is)
///     ---
public struct RoleDefinition: Sendable, Equatable {
    public var role: String
    public var phase: String
    /// argv with placeholders `{prompt}`, `{role}`, `{worktree}`, `{plan}` (the agent's own copy
    /// of PLAN.md), `{plandir}` (its folder), `{factory}`, and
    /// for the agent's hooks `{settings}` (the Claude Code settings file factory writes for
    /// the run) and `{notify}` (Codex's notify program, for `-c notify={notify}`).
    public var command: [String]
    /// How the agent's output is read and answered. Follows the preset (`claude`, `codex`
    /// and `gemini` speak their own, the others `text`); a custom `command:` is `text`
    /// unless `protocol:` says.
    public var agentProtocol: AgentProtocol
    public var timeout: Double
    public var retries: Int
    public var stall: Double
    /// What the engine answers for the role without asking a human (`allow:` / `deny:`).
    public var policy = PermissionPolicy()
    /// Runs in a tmux session of its own (`session: tmux`), to be attached to and typed in.
    public var inTerminal = false
    /// What the role's agents may spend on one feature (`budget_usd:`); past it the role
    /// starts no new turn until a human raises it. Nil: no limit of its own.
    public var budgetUSD: Double?
    /// Runs confined where bubblewrap is installed (the default); `sandbox: off` runs it as
    /// the user, able to write wherever the user can.
    public var sandboxed = true
    /// The Markdown after the front matter.
    public var instructions: String

    public static let defaultTimeout = 1800.0
    public static let defaultRetries = 2
    public static let defaultStall = 300.0

    /// Parses a role file; `role` is the file's name without `.md`.
    /// A list of permission rules (`["Edit", "Bash(git commit:*)"]`); nothing when absent.
    static func rules(_ value: Any?, _ key: String, _ name: String) throws(RoleError) -> [String] {
        guard let value else { return [] }
        guard let list = value as? [Any], list.allSatisfy({ $0 is String }) else {
            throw RoleError("agents/\(name).md: \(key) must be a list of rules, like [\"Edit\", \"Bash(git commit:*)\"]")
        }
        return list.compactMap { $0 as? String }
    }

    public static func parse(role: String, text: String) throws(RoleError) -> RoleDefinition {
        let name = try Role.validate(role)
        let (front, body) = splitFrontMatter(text)
        var fields: [String: Any] = [:]
        if let front {
            do {
                guard let loaded = try Yams.load(yaml: front) else { return try defaults(name, body) }
                guard let map = loaded as? [String: Any] else { throw RoleError("agents/\(name).md: front matter must be key: value lines") }
                fields = map
            } catch let error as RoleError {
                throw error
            } catch {
                throw RoleError("agents/\(name).md: front matter is not valid YAML: \(String(describing: error).split(separator: "\n").first ?? "")")
            }
        }
        var def = try defaults(name, body)
        if let declared = fields["role"] as? String, try Role.validate(declared) != name {
            throw RoleError("agents/\(name).md declares role \"\(declared)\"; the file name decides the role")
        }
        if let phase = fields["phase"] as? String { def.phase = phase }
        if let preset = fields["preset"] {
            guard let presetName = preset as? String, let argv = AgentPreset.command(named: presetName) else {
                throw RoleError("agents/\(name).md: unknown preset \"\(preset)\" (known: \(AgentPreset.names.joined(separator: ", ")))")
            }
            def.command = argv
            def.agentProtocol = AgentPreset.agentProtocol(named: presetName)
        }
        if let command = fields["command"] {
            guard let argv = command as? [Any], !argv.isEmpty else {
                throw RoleError("agents/\(name).md: command must be a list of arguments, like [\"agent\", \"{prompt}\"]")
            }
            def.command = argv.map { "\($0)" }
            def.agentProtocol = .text
        }
        if let value = fields["protocol"] {
            guard let text = value as? String, let declared = AgentProtocol(rawValue: text.lowercased()) else {
                let line = front.flatMap { lineNumber(of: "protocol", in: $0) }.map { ":\($0)" } ?? ""
                throw RoleError("agents/\(name).md\(line): unknown protocol \"\(value)\" (known: \(AgentProtocol.names.joined(separator: ", ")))")
            }
            def.agentProtocol = declared
        }
        def.timeout = try number(fields["timeout"], "timeout", name) ?? def.timeout
        def.stall = try number(fields["stall"], "stall", name) ?? def.stall
        def.policy = PermissionPolicy(allow: try rules(fields["allow"], "allow", name), deny: try rules(fields["deny"], "deny", name))
        if let r = fields["retries"] {
            guard let count = r as? Int, count >= 0 else { throw RoleError("agents/\(name).md: retries must be a whole number of restarts, like 2, got \"\(r)\"") }
            def.retries = count
        }
        if let budget = fields["budget_usd"] {
            guard let usd = (budget as? Double) ?? (budget as? Int).map(Double.init) ?? (budget as? String).flatMap(Budget.parse), usd > 0 else {
                throw RoleError("agents/\(name).md: budget_usd must be an amount of USD above 0, like 2.50, got \"\(budget)\"")
            }
            def.budgetUSD = usd
        }
        if let session = fields["session"] {
            guard let kind = session as? String, ["tmux", "none"].contains(kind.lowercased()) else {
                throw RoleError("agents/\(name).md: session must be tmux (a terminal session to attach to) or none, got \"\(session)\"")
            }
            def.inTerminal = kind.lowercased() == "tmux"
        }
        if let sandbox = fields["sandbox"] {
            // YAML reads a bare on/off as a boolean; quoted, it is a word.
            let word = (sandbox as? Bool).map { $0 ? "on" : "off" } ?? (sandbox as? String)?.lowercased()
            guard let word, ["on", "off"].contains(word) else {
                throw RoleError("agents/\(name).md: sandbox must be on (confined, the default) or off (runs as you, unconfined), got \"\(sandbox)\"")
            }
            def.sandboxed = word == "on"
        }
        // In a terminal, a preset's CLI runs as people run it there: its full screen, the
        // prompt its first message (`claude "…"`), not its headless protocol.
        if def.inTerminal, fields["command"] == nil,
           let argv = AgentPreset.terminalCommand(named: (fields["preset"] as? String) ?? "claude") {
            def.command = argv
        }
        return def
    }

    private static func defaults(_ name: String, _ body: String) throws(RoleError) -> RoleDefinition {
        RoleDefinition(role: name, phase: defaultPhase[name] ?? "implementation", command: AgentPreset.command(named: "claude") ?? [],
                       agentProtocol: AgentPreset.agentProtocol(named: "claude"),
                       timeout: defaultTimeout, retries: defaultRetries, stall: defaultStall, instructions: body)
    }

    private static func number(_ value: Any?, _ key: String, _ role: String) throws(RoleError) -> Double? {
        guard let value else { return nil }
        if let i = value as? Int, i >= 0 { return Double(i) }
        if let d = value as? Double, d >= 0 { return d }
        throw RoleError("agents/\(role).md: \(key) must be a number of seconds (or a count), got \"\(value)\"")
    }

    /// The file's line number of a top-level `key:` in the front matter (the opening `---` is line 1).
    static func lineNumber(of key: String, in front: String) -> Int? {
        front.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.hasPrefix(key + ":") }.map { $0 + 2 }
    }

    static let defaultPhase: [String: String] = [
        "architect": "planning", "builder": "implementation", "tester": "validation",
        "reviewer": "validation", "security": "validation", "docwriter": "documentation",
    ]

    /// `---\n…\n---\n` at the very top, and the rest.
    static func splitFrontMatter(_ text: String) -> (String?, String) {
        // LF alone splits: a Swift `Character` holds CR LF as one, which would hide the `---`.
        let lines = text.linesAtLF.map { Substring($0) }
        guard lines.first.map({ $0.trimmingTrailingCR() == "---" }) == true,
              let end = lines.dropFirst().firstIndex(where: { $0.trimmingTrailingCR() == "---" }) else { return (nil, text) }
        let front = lines[1..<end].joined(separator: "\n")
        let body = lines[(end + 1)...].joined(separator: "\n")
        return (front, body)
    }

    /// The argv to run, placeholders filled. Each placeholder fills within one argument: a
    /// prompt full of spaces or quotes stays one argument, never reaches a shell.
    /// `run` is the role's run folder, where the hooks' files are.
    public func argv(prompt: String, worktree: String, plan: String, factory: String, run: String = "") -> [String] {
        let values = ["{prompt}": prompt, "{role}": role, "{worktree}": worktree, "{plan}": plan, "{factory}": factory,
                      "{plandir}": (plan as NSString).deletingLastPathComponent,
                      "{settings}": RunDirectory(run).claudeSettings, "{notify}": CodexNotify.value(factory: factory, run: run)]
        return command.map { $0.replacingPlaceholders(values) }
    }

    /// Whether the command asks for the run's Claude Code settings file (which must then exist).
    public var usesHookSettings: Bool { command.contains { $0.contains("{settings}") } }
}

/// Launch commands for common agent command lines.
public enum AgentPreset {
    public static let presets: [String: [String]] = [
        // The prompt goes to its stdin as the first user message (the `claude` protocol);
        // the run's settings register factory's hooks (`factory hook`), which tell the
        // agent's state however it runs.
        // Its own copy of PLAN.md is in a folder outside the worktree: `--add-dir` lets it be
        // read there without asking (edits still follow the role's rules).
        "claude": ["claude", "--settings", "{settings}", "--add-dir", "{plandir}"] + claudeStreamArguments,
        // JSON Lines of its events on stdout (the `codex` protocol), the prompt an argument.
        // `codex exec` never asks for approval, so its sandbox is the only limit, and the
        // `workspace-write` one (what `--full-auto` meant) confines writes to the worktree:
        // a worktree's commits go to the repository's git directory, and `factory task set`
        // writes .agent-comms/PLAN.md, both outside it. The role's worktree on its own branch
        // is the agent's bound, as for the other presets.
        "codex": ["codex", "exec", "--json", "--sandbox", "danger-full-access", "{prompt}"],
        // Unattended: yes to its questions, plain text for the log (no colours, no live
        // redraws, no prompt_toolkit on a pipe), and none of the questions --yes-always
        // would answer yes to that no one asked for: no self-upgrade, no browser for release
        // notes or model warnings, no analytics. The model and endpoint come from the
        // environment (AIDER_MODEL, OPENAI_API_BASE, OPENAI_API_KEY…) or aider's own config.
        "aider": ["aider", "--yes-always", "--no-pretty", "--no-fancy-input", "--no-check-update",
                  "--no-show-release-notes", "--no-show-model-warnings", "--no-analytics", "--message", "{prompt}"],
        // JSON Lines of its events on stdout (the `gemini` protocol), the prompt an argument.
        // Headless Gemini cannot ask: in any other approval mode the calls needing approval
        // are refused, and `auto_edit` approves edits but no shell commands (tests, git
        // commit, factory task set). `yolo` approves all; `--yolo` is its older spelling.
        "gemini": ["gemini", "--output-format", "stream-json", "--approval-mode", "yolo", "-p", "{prompt}"],
        "opencode": ["opencode", "run", "{prompt}"],
        // The simulated agent that ships inside factory, for demos and tests.
        "sim": ["{factory}", "agent-sim", "--role", "{role}", "--plan", "{plan}"],
    ]

    public static var names: [String] { presets.keys.sorted() }

    /// The flags `claude` will need to speak the `claude` protocol: stream-json both ways, and
    /// permission questions asked on stdout and answered on stdin rather than silently refused.
    /// Not in the `claude` preset yet: it joins the preset when the engine reads the stream.
    public static let claudeStreamArguments = [
        "-p", "--output-format", "stream-json", "--verbose",
        "--input-format", "stream-json", "--permission-prompt-tool", "stdio",
    ]

    /// The protocol a preset's agent speaks: its own for `claude`, `codex` and `gemini`,
    /// plain text for the rest.
    public static func agentProtocol(named name: String) -> AgentProtocol {
        let spoken = AgentProtocol(rawValue: name.lowercased()) ?? .text
        return presets[name.lowercased()] == nil ? .text : spoken
    }

    public static func command(named name: String) -> [String]? { presets[name.lowercased()] }

    /// The CLIs that have a full screen of their own, as run in a terminal session.
    static let terminalPresets: [String: [String]] = [
        // No `--add-dir` here: its full screen asks the person to trust the folder first, and
        // in a session the person is there to allow reading the copy when it is asked.
        "claude": ["claude", "--settings", "{settings}", "--permission-mode", "default", "{prompt}"],
        "codex": ["codex", "{prompt}"],
        "gemini": ["gemini", "-i", "{prompt}"],
    ]

    static func terminalCommand(named name: String) -> [String]? { terminalPresets[name.lowercased()] ?? presets[name.lowercased()] }
}

extension Substring {
    func trimmingTrailingCR() -> Substring { last == "\r" ? dropLast() : self }
}

extension String {
    /// The text split at each LF, a CR before it kept on its line. Split by scalars: a Swift
    /// `Character` holds CR LF as one, which `split(separator: "\n")` would never cut.
    var linesAtLF: [String] {
        unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
    }
}

extension String {
    func replacingPlaceholders(_ values: [String: String]) -> String {
        var out = ""
        var rest = Substring(self)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            if let close = rest[open...].firstIndex(of: "}"), let value = values[String(rest[open...close])] {
                out += value
                rest = rest[rest.index(after: close)...]
            } else {
                out.append("{")
                rest = rest[rest.index(after: open)...]
            }
        }
        return out + rest
    }
}
