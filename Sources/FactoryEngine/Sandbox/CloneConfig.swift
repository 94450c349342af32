import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What in a clone's git folder would run a program when git works there: config keys that
/// name one (`core.fsmonitor`, a filter's `clean`…) and hooks. Read as text, never through
/// git's own config machinery, and only to say so: what runs is confined anyway (`CloneGit`).
enum CloneConfig {
    /// Keys (lowercased, as git compares them) whose value git runs as a program.
    static let programKeys: Set<String> = [
        "core.fsmonitor", "core.hookspath", "core.sshcommand", "core.pager", "core.editor", "core.askpass",
        "core.gitproxy", "core.alternaterefscommand", "diff.external", "gpg.program", "sequence.editor",
        "credential.helper", "include.path", "uploadpack.packobjectshook",
    ]
    /// `section.<name>.key` forms whose value is a program (or pulls in more config).
    static let programSubkeys: [String: Set<String>] = [
        "filter": ["clean", "smudge", "process"], "diff": ["command", "textconv"], "merge": ["driver"],
        "gpg": ["program"], "includeif": ["path"], "credential": ["helper"], "remote": ["uploadpack", "receivepack"],
    ]

    /// The program-running keys set in `text` (a git config file), and the hooks in
    /// `hooks` (executable files but git's `.sample`s), each named once, in order.
    static func programs(config text: String, hooks: [String] = []) -> [String] {
        var found: [String] = []
        var section = "", subsection: String?
        for raw in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                (section, subsection) = header(line)
                continue
            }
            guard !line.isEmpty, !line.hasPrefix("#"), !line.hasPrefix(";") else { continue }
            let key = line.prefix { $0 != "=" && $0 != " " && $0 != "\t" }.lowercased()
            let named = subsection.map { "\(section).\($0).\(key)" } ?? "\(section).\(key)"
            // `[pager] log = …`: any pager is a program.
            let runs = subsection == nil ? programKeys.contains(named) || section == "pager"
                : programSubkeys[section]?.contains(key) ?? false
            if runs && !found.contains(named) { found.append(named) }
        }
        return found + hooks.filter { !$0.hasSuffix(".sample") }.map { "hook \($0)" }
    }

    /// `[section "sub"]` or `[section.sub]`: the section lowercased, the subsection as written.
    private static func header(_ line: String) -> (String, String?) {
        let inside = line.dropFirst().prefix { $0 != "]" }
        if let quote = inside.firstIndex(of: "\"") {
            let name = inside[..<quote].trimmingCharacters(in: .whitespaces).lowercased()
            let sub = inside[inside.index(after: quote)...].prefix { $0 != "\"" }
            return (name, String(sub))
        }
        let parts = inside.split(separator: ".", maxSplits: 1)
        return (parts.first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? "", parts.count > 1 ? String(parts[1]).lowercased() : nil)
    }

    /// A clone's findings: its `.git/config` and its executable hooks.
    static func programs(inClone path: String) -> [String] {
        let text = String(decoding: smallFile("\(path)/.git/config"), as: UTF8.self)
        let folder = "\(path)/.git/hooks"
        let hooks = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
            .filter { FileManager.default.isExecutableFile(atPath: "\(folder)/\($0)") }
        return programs(config: text, hooks: hooks)
    }

    /// A file the agent wrote, read without waiting on it: a regular file of at most 1 MiB,
    /// not through a link (a named pipe or a huge file in its place reads as nothing).
    static func smallFile(_ path: String) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size <= 1 << 20 else { return [] }
        var bytes = [UInt8](repeating: 0, count: Int(st.st_size))
        let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        return n > 0 ? Array(bytes.prefix(n)) : []
    }
}
