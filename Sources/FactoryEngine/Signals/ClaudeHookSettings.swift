import Foundation
import PlanDocument

/// The Claude Code settings file factory writes for each run, in the run folder, and hands
/// the agent with `--settings` (the `{settings}` placeholder of a role's command). It
/// registers `factory hook EVENT --run DIR` for every event that tells what the agent is
/// doing. Claude Code lays it over the user's own settings for that session only: the
/// user's files are never written, and their own hooks still run.
public enum ClaudeHookSettings {
    /// The events registered. Seen with Claude Code 2.1.332, `-p` with the stdio permission
    /// tool: SessionStart, UserPromptSubmit, PreToolUse, PermissionRequest (the request
    /// follows it), PostToolUse, Stop, SessionEnd — no Notification. In the full-screen
    /// terminal: the same, then Notification `permission_prompt` ~6 s after a dialog, and
    /// `idle_prompt` 60 s after the turn's end. An event a version does not know is skipped
    /// by it without losing the others.
    public static let events = [
        "SessionStart", "UserPromptSubmit", "PreToolUse", "PermissionRequest", "PostToolUse", "PostToolUseFailure",
        "Notification", "Stop", "StopFailure", "SubagentStop", "SessionEnd",
    ]

    /// Seconds Claude Code lets a hook run before it gives up on it. The hook takes
    /// milliseconds; this only bounds the harm of one that hangs (a stuck file system).
    static let timeout = 10

    /// The settings, as JSON text.
    public static func json(factory: String, run: String) -> [UInt8] {
        var hooks: [String: Any] = [:]
        for event in events {
            let command = [shellQuoted(factory), "hook", event, "--run", shellQuoted(run)].joined(separator: " ")
            hooks[event] = [["matcher": "", "hooks": [["type": "command", "command": command, "timeout": timeout]]]]
        }
        let data = (try? JSONSerialization.data(withJSONObject: ["hooks": hooks], options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Array(data) + [0x0A]
    }

    /// Writes the run's settings file (`run.claudeSettings`), its folder made if need be.
    public static func write(_ run: RunDirectory, factory: String) throws(PlanFileError) {
        do {
            try FileManager.default.createDirectory(atPath: run.path, withIntermediateDirectories: true)
        } catch {
            throw .io("cannot make \(run.path): \(error.localizedDescription)")
        }
        try AtomicFile.replace(run.claudeSettings, with: json(factory: factory, run: run.path))
    }

    /// One word for `sh -c`, whatever the path holds: single quotes, and `'\''` for a quote.
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
