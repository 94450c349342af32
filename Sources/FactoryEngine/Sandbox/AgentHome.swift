import Foundation
import PlanDocument
#if canImport(Glibc)
import Glibc
#endif

/// A confined agent's home: `.agent-comms/run/<role>/home`, its `HOME` and the only home it
/// can write.
///
/// Why a private home rather than the user's, read-only but for the CLI's own folder: a
/// home is where programs look for code to run later. An agent that could write
/// `~/.claude/settings.json` could add a hook that runs, unconfined, the next time the user
/// starts Claude Code; `~/.codex/config.toml` has `notify`, `~/.gitconfig` has
/// `core.fsmonitor` and `core.pager`, `~/.bashrc` and `~/.profile` run at every shell.
/// Even "only the CLI's folder" is such a place. So the agent's writes land in a home of its
/// own, which nothing outside the sandbox ever runs from; what it needs of the user's is
/// copied in, one way, at each start: the CLIs' credentials and settings (Claude Code's
/// `~/.claude.json` and `~/.claude/`, Codex's `$CODEX_HOME`, Gemini's and opencode's, aider's
/// config files) and git's identity (`~/.gitconfig`). The rest of the user's home stays
/// readable, read-only, where tools installed there (`~/.local/bin`) live.
///
/// Copies, not the files themselves: a CLI that refreshes its login inside the sandbox
/// refreshes the copy, and the next start copies the user's again. Nothing flows back: a
/// credentials file written by an agent could sign the user in to someone else's account.
public struct AgentHome: Sendable {
    public let path: String

    public init(_ run: RunDirectory) { path = run.home }

    /// Files copied from the user's home, by their place in a home.
    static let seeded = [
        ".claude.json", ".claude/.credentials.json", ".claude/settings.json", ".claude/CLAUDE.md",
        ".codex/auth.json", ".codex/config.toml", ".codex/AGENTS.md",
        ".gemini/settings.json", ".gemini/oauth_creds.json", ".gemini/google_accounts.json", ".gemini/GEMINI.md",
        ".config/opencode/opencode.json", ".local/share/opencode/auth.json",
        ".aider.conf.yml", ".aider.model.settings.yml", ".aider.model.metadata.json",
        ".gitconfig", ".config/git/config", ".config/git/ignore",
    ]

    /// Makes the home, copies the user's files in (from `environment`: its HOME, and the
    /// folders `CODEX_HOME`, `CLAUDE_CONFIG_DIR`, `XDG_CONFIG_HOME` and `GIT_CONFIG_GLOBAL`
    /// name), and returns the variables that point the agent at it.
    public func prepare(from environment: [String: String]) throws(SpawnError) -> [String: String] {
        guard makeFolder(path) else { throw SpawnError("cannot make the agent's home \(path): \(errnoText())") }
        var env = ["HOME": path, "TMPDIR": "/tmp", "XDG_CONFIG_HOME": "\(path)/.config", "XDG_CACHE_HOME": "\(path)/.cache",
                   "XDG_DATA_HOME": "\(path)/.local/share", "XDG_STATE_HOME": "\(path)/.local/state"]
        for (place, source) in sources(environment) { copy(source, to: place) }
        // A CLI told where its folder is must be told of the copy instead.
        if environment["CODEX_HOME"] != nil { env["CODEX_HOME"] = "\(path)/.codex" }
        if environment["CLAUDE_CONFIG_DIR"] != nil { env["CLAUDE_CONFIG_DIR"] = "\(path)/.claude" }
        if environment["GIT_CONFIG_GLOBAL"] != nil { env["GIT_CONFIG_GLOBAL"] = "\(path)/.gitconfig" }
        return env
    }

    /// Each seeded place in the private home, and the user's file it is copied from.
    func sources(_ environment: [String: String]) -> [(String, String)] {
        let home = environment["HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        return Self.seeded.compactMap { place -> (String, String)? in
            let folder = { (name: String, variable: String) -> String? in
                place.hasPrefix(name + "/") ? environment[variable].map { $0 + place.dropFirst(name.count) } : nil
            }
            if let moved = folder(".codex", "CODEX_HOME") ?? folder(".claude", "CLAUDE_CONFIG_DIR") { return (place, moved) }
            // With CLAUDE_CONFIG_DIR, Claude Code keeps its `.claude.json` in that folder.
            if place == ".claude.json", let dir = environment["CLAUDE_CONFIG_DIR"] { return (".claude/.claude.json", "\(dir)/.claude.json") }
            if place == ".gitconfig", let global = environment["GIT_CONFIG_GLOBAL"] { return (place, global) }
            if place.hasPrefix(".config/"), let config { return (place, config + place.dropFirst(".config".count)) }
            return home.map { (place, "\($0)/\(place)") }
        }
    }

    /// Copies `source` (followed if a link) to `place` in the home, replacing what is there.
    /// The home is the agent's: every folder on the way is opened without following a link,
    /// and the file is swapped in by rename, so a link the agent left there cannot turn this
    /// write into one outside the home. A source that is not there removes an old copy.
    func copy(_ source: String, to place: String) {
        let data = FileManager.default.contents(atPath: source)
        let parts = place.split(separator: "/").map(String.init)
        guard let name = parts.last else { return }
        var folder = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard folder >= 0 else { return }
        defer { close(folder) }
        for part in parts.dropLast() {
            if data != nil { _ = mkdirat(folder, part, 0o700) }
            let next = openat(folder, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard next >= 0 else { return }
            close(folder)
            folder = next
        }
        guard let data else {
            unlinkat(folder, name, 0)
            return
        }
        let temporary = ".\(name).factory-\(getpid())"
        unlinkat(folder, temporary, 0)
        let fd = openat(folder, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == data.count
        close(fd)
        if !written || renameat(folder, temporary, folder, name) != 0 { unlinkat(folder, temporary, 0) }
    }

    private func makeFolder(_ path: String) -> Bool {
        (try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)) != nil
    }
}
