import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `factory hook EVENT [--run DIR] [PAYLOAD]`, run by an agent CLI at each of its events: it
/// appends one record to DIR's signals file and does nothing else. It never fails and never
/// slows the agent: no output at all (Claude Code reads a hook's stdout, and a PreToolUse
/// or PermissionRequest hook's words could change its decision), exit status 0 whatever
/// happens, stdin read only so far and only so long, no folder created.
public enum HookInvocation {
    /// The most payload bytes kept; the rest is read and dropped so the agent's write never
    /// meets a closed pipe. A PostToolUse of a large file read carries the whole file.
    public static let payloadLimit = 256 * 1024
    /// The most time spent reading stdin: the agent writes its payload at once and closes it.
    static let readDeadline = 1.0

    /// `arguments` are those after `hook`. The run folder is `--run DIR`, else
    /// `FACTORY_RUN_DIR`, else the role's beside `FACTORY_PLAN` (a hook registered by hand
    /// for an agent factory started); without one there is nowhere to write, and nothing is done.
    public static func run(_ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) {
        var words: [String] = [], runDirectory = environment["FACTORY_RUN_DIR"] ?? runFolder(environment)
        var rest = arguments[...]
        while let word = rest.popFirst() {
            if word == "--run" { runDirectory = rest.popFirst() } else if word.hasPrefix("--run=") { runDirectory = String(word.dropFirst(6)) } else { words.append(word) }
        }
        guard let event = words.first, let directory = runDirectory, !directory.isEmpty else { return }
        let time = Date().timeIntervalSince1970
        // Codex passes its JSON as the last argument (and stdin is not its to give); the
        // others write it to stdin.
        let (payload, complete) = words.count > 1 ? (Array(words[words.count - 1].utf8), true) : readInput()
        guard let record = HookPayload.record(event: event, payload: payload, complete: complete, at: time) else { return }
        SignalFile(RunDirectory(directory).signals).append(record)
    }

    /// `.agent-comms/run/<role>` from `FACTORY_PLAN` (`.agent-comms/PLAN.md`) and a valid `FACTORY_ROLE`.
    static func runFolder(_ environment: [String: String]) -> String? {
        guard let plan = environment["FACTORY_PLAN"], let slash = plan.lastIndex(of: "/"),
              let role = environment["FACTORY_ROLE"].flatMap({ try? Role.validate($0) }) else { return nil }
        return "\(plan[..<slash])/run/\(role)"
    }

    /// Stdin up to `payloadLimit` bytes, and whether that was all of it. Not read from a
    /// terminal (a person trying the command by hand), nor for longer than `readDeadline`.
    static func readInput() -> ([UInt8], Bool) {
        guard isatty(0) == 0 else { return ([], true) }
        var kept: [UInt8] = [], chunk = [UInt8](repeating: 0, count: 64 * 1024), dropped = false
        let end = Date().timeIntervalSince1970 + readDeadline
        while true {
            var ready = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            let wait = Int32(max(0, (end - Date().timeIntervalSince1970) * 1000))
            guard poll(&ready, 1, wait) > 0 else { return (kept, false) }
            let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return (kept, !dropped) }
            let room = max(0, payloadLimit - kept.count)
            kept += chunk[..<min(n, room)]
            if n > room { dropped = true }
        }
    }
}
