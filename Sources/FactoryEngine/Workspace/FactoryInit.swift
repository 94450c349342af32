import BundledFiles
import PlanDocument
#if canImport(Glibc)
import Glibc
#endif

/// `factory init`: scaffolds a software factory in a git repository — PLAN.md, HISTORY.md,
/// the six role files, a clone per role at `worktrees/<role>` on branch `agent/<role>`
/// (see `AgentClones`) — and changes nothing that is already there, but for a clean git
/// worktree of an older factory, which becomes a clone in place.
public enum FactoryInit {
    public struct Report: Sendable, Equatable {
        public var root: String
        /// What was created, as paths relative to the root (and `agent/<role>` branches).
        public var created: [String]
        /// What was left as it is, and why, one line each (a git worktree with changes;
        /// agents that will not be confined).
        public var notes: [String] = []
        public var nothingToDo: Bool { created.isEmpty }
    }

    static let ignoreLines = ["worktrees/", ".agent-comms/*", "!.agent-comms/HISTORY.md"]

    /// What `.gitignore` needs for the preset's agents: aider keeps its chat history and
    /// caches in `.aider*` files at the top of its worktree and, finding no line for them,
    /// adds one to that worktree's `.gitignore`, leaving it changed after every run.
    static func ignoreLines(preset: String?) -> [String] {
        ignoreLines + (preset?.lowercased() == "aider" ? [".aider*"] : [])
    }

    public static func run(in directory: String, preset: String? = nil, today: String) throws(InitError) -> Report {
        guard let root = Git(directory).topLevel else {
            throw InitError("\(directory) is not inside a git repository; run `git init` first")
        }
        if let preset, AgentPreset.command(named: preset) == nil {
            throw InitError("unknown preset \"\(preset)\" (known: \(AgentPreset.names.joined(separator: ", ")))")
        }
        let git = Git(root)
        var files: [(path: String, text: String)] = []
        for role in Role.all where !exists("\(root)/agents/\(role).md") {
            guard var text = BundledFiles.agents[role] else { throw InitError("this factory binary carries no agents/\(role).md") }
            if let preset { text = text.replacingFrontMatterValue("preset", with: preset) }
            files.append(("agents/\(role).md", text))
        }
        if !exists("\(root)/.agent-comms/HISTORY.md") { files.append((".agent-comms/HISTORY.md", historyTemplate)) }
        let ignore = readText("\(root)/.gitignore") ?? ""
        let present = Set(ignore.split(separator: "\n").map { String($0).trimming(" \r") })
        let missingIgnores = ignoreLines(preset: preset).filter { !present.contains($0) }
        let commitNeeded = !files.isEmpty || !missingIgnores.isEmpty || !git.hasCommits
        if commitNeeded && git.hasStagedChanges {
            throw InitError("the git index has staged changes that `factory init` would commit along; commit or unstage them first")
        }

        var created: [String] = []
        for file in files {
            try write("\(root)/\(file.path)", file.text)
            created.append(file.path)
        }
        if !missingIgnores.isEmpty {
            let prefix = ignore.isEmpty || ignore.hasSuffix("\n") ? ignore : ignore + "\n"
            try write("\(root)/.gitignore", prefix + "# factory: worktrees and live coordination files\n" + missingIgnores.joined(separator: "\n") + "\n")
            created.append(".gitignore (" + missingIgnores.joined(separator: ", ") + ")")
        }
        if !exists("\(root)/.agent-comms/PLAN.md") {
            try write("\(root)/.agent-comms/PLAN.md", PlanTemplate.text(date: today))
            created.append(".agent-comms/PLAN.md")
        }
        if commitNeeded { try commit(git, paths: files.map(\.path) + [".gitignore"]) }
        var notes: [String] = []
        created += try clones(git, root: root, notes: &notes)
        if let warning = SandboxSupport.current.warning { notes.append(warning) }
        return Report(root: root, created: created, notes: notes)
    }

    private static func commit(_ git: Git, paths: [String]) throws(InitError) {
        let add = git.run(["add", "--"] + paths.filter { exists("\(git.directory)/\($0)") })
        guard add.succeeded else { throw InitError("git add failed: \(add.firstErrorLine)") }
        var args = ["commit", "--quiet", "--allow-empty", "-m", "factory: set up the software factory"]
        if (try? git.output(["config", "user.email"])) == nil {
            args = ["-c", "user.name=factory", "-c", "user.email=factory@localhost"] + args
        }
        let result = git.run(args)
        guard result.succeeded else { throw InitError("git commit failed: \(result.firstErrorLine)") }
    }

    /// A clone for each role that has none; an older factory's clean git worktree made one.
    private static func clones(_ git: Git, root: String, notes: inout [String]) throws(InitError) -> [String] {
        _ = git.run(["worktree", "prune"])
        let clones = AgentClones(paths: WorkspacePaths(root: root))
        var created: [String] = []
        for role in Role.all {
            let place = "worktrees/\(role)", branch = "agent/\(role)"
            if exists("\(root)/\(place)") {
                guard case .worktree = clones.checkout(role).kind else { continue }
                if let left = clones.convert(role) { notes.append(left) } else { created.append("\(place) (\(branch), a clone now)") }
                continue
            }
            do throws(GitError) { try clones.create(role) } catch {
                throw InitError("cannot create \(place): \(error.description)")
            }
            created.append("\(place) (\(branch))")
        }
        return created
    }

    static let historyTemplate = """
    # History

    Validated changes merged by factory: what changed and why, lessons learned, files and commits.

    """

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func readText(_ path: String) -> String? {
        guard let bytes = try? PlanFile(path: path).read().bytes else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func write(_ path: String, _ text: String) throws(InitError) {
        let dir = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
        guard makeDirectories(dir) else { throw InitError("cannot create \(dir): \(String(cString: strerror(errno)))") }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw InitError("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
            guard n > 0 else { throw InitError("cannot write \(path): \(String(cString: strerror(errno)))") }
            done += n
        }
    }

    static func makeDirectories(_ path: String) -> Bool {
        if path.isEmpty || exists(path) { return true }
        let parent = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        guard makeDirectories(parent) else { return false }
        return mkdir(path, 0o755) == 0 || errno == EEXIST
    }
}

public struct InitError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension String {
    func trimming(_ set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }

    /// Sets `key: value` inside the leading front-matter block.
    func replacingFrontMatterValue(_ key: String, with value: String) -> String {
        var lines = split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.first == "---", let end = lines.dropFirst().firstIndex(of: "---") else { return self }
        if let i = lines[1..<end].firstIndex(where: { $0.hasPrefix("\(key):") }) {
            lines[i] = "\(key): \(value)"
        } else {
            lines.insert("\(key): \(value)", at: end)
        }
        return lines.joined(separator: "\n")
    }
}
