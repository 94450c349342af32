import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Reads a worktree's state from git and the file system. Each call is a few git
/// processes (~10 ms); the engine calls it when files change, not on a timer.
///
/// An agent's clone (see `AgentClones`) is read in its sandbox (`CloneGit`); its branch is
/// fetched back into the main repository when it has moved, and its head and ahead/behind
/// are read there. A git worktree is read as it is.
public enum WorktreeMonitor {
    public static func status(of path: String, mainBranch: String, processes: [ProcessTable.Entry],
                              clones: AgentClones? = nil) -> WorktreeStatus {
        var status = WorktreeStatus(path: path, health: .ok)
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            status.health = .missing
            status.problem = "\(path) does not exist"
            return status
        }
        let clone = (clones.map { ($0, String(path.split(separator: "/").last ?? "")) } ?? AgentClones.around(path))
            .flatMap { $0.0.checkout($0.1).isClone ? $0 : nil }
        let git = clone.map { $0.0.git($0.1) } ?? CloneGit(path: path, sandbox: nil)
        let porcelain = git.run(["status", "--porcelain=v2", "--branch", "--untracked-files=normal"])
        guard porcelain.succeeded else {
            status.health = .broken
            status.problem = porcelain.firstErrorLine
            return status
        }
        var changedPaths: [String] = []
        parsePorcelain(porcelain.stdout, into: &status, changedPaths: &changedPaths)
        if let (clones, role) = clone {
            readClone(clones, role, into: &status, mainBranch: mainBranch, git: git)
            status.programs = CloneConfig.programs(inClone: path)
        } else {
            if let log = try? git.output(["log", "-1", "--format=%h%x00%ct%x00%s"]) { readHead(log, into: &status) }
            if let branch = status.branch, branch != mainBranch,
               let counts = try? git.output(["rev-list", "--left-right", "--count", "\(mainBranch)...HEAD"]) {
                readCounts(counts, into: &status)
            }
        }
        let index = clone != nil ? "\(path)/.git/index" : (try? git.output(["rev-parse", "--git-path", "index"])).map { $0.hasPrefix("/") ? $0 : "\(path)/\($0)" }
        status.lastActivity = lastActivity(path, index: index, changed: changedPaths, committedAt: status.committedAt)
        // /proc shows resolved paths: compare with the worktree's real path.
        let real = realPath(path)
        // Another factory process's git reads (its engine refreshing this worktree) run in it
        // for a moment: they are not a process working there.
        let ownRead = Git.launch.joined(separator: " ") + " "
        status.processes = processes.filter { ($0.cwd == real || $0.cwd.hasPrefix(real + "/")) && !$0.command.hasPrefix(ownRead) }
            .map { .init(pid: $0.pid, command: $0.command) }
        return status
    }

    /// Several worktrees at once (each is a few git processes; they run in parallel).
    public static func statuses(of paths: [String], mainBranch: String) -> [WorktreeStatus] {
        let processes = ProcessTable.snapshot()
        let box = IndexedBox(count: paths.count)
        DispatchQueue.concurrentPerform(iterations: paths.count) { i in
            box.set(i, status(of: paths[i], mainBranch: mainBranch, processes: processes))
        }
        return box.values
    }

    /// `git status --porcelain=v2 --branch`: `# branch.head`, then `1`/`2`/`u` entries with
    /// their XY (staged, unstaged) codes, and `?` for untracked files.
    static func parsePorcelain(_ text: String, into status: inout WorktreeStatus, changedPaths: inout [String]) {
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# branch.head ") {
                let name = line.dropFirst("# branch.head ".count)
                status.branch = name == "(detached)" ? nil : String(name)
                continue
            }
            if line.hasPrefix("# branch.oid ") {
                let oid = line.dropFirst("# branch.oid ".count)
                status.oid = oid == "(initial)" ? nil : String(oid)
                continue
            }
            guard let kind = line.first else { continue }
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            switch kind {
            case "1", "2", "u":
                guard fields.count > 1, fields[1].count == 2 else { continue }
                let xy = Array(fields[1])
                if xy[0] != "." { status.staged += 1 }
                if xy[1] != "." { status.unstaged += 1 }
                // The path is the last field (for renames, before the tab).
                if let last = fields.last { changedPaths.append(String(last.split(separator: "\t").first ?? last)) }
            case "?":
                status.untracked += 1
                changedPaths.append(String(line.dropFirst(2)))
            default:
                continue
            }
        }
    }

    static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// A clone's branch as the main repository has it (fetched first when the clone's tip
    /// is not there yet): its last commit, and how far it is ahead of and behind main.
    private static func readClone(_ clones: AgentClones, _ role: String, into status: inout WorktreeStatus, mainBranch: String, git: CloneGit) {
        let main = Git(clones.paths.root), branch = "refs/heads/agent/\(role)"
        let format = ["log", "-1", "--format=%H%x00%h%x00%ct%x00%s"]
        var tip = try? main.output(format + [branch, "--"])
        if status.branch == "agent/\(role)", let oid = status.oid, tip?.hasPrefix(oid + "\0") != true {
            clones.fetchBack(role)
            tip = try? main.output(format + [branch, "--"])
        }
        if status.branch == "agent/\(role)", let tip, let cut = tip.firstIndex(of: "\0") {
            readHead(String(tip[tip.index(after: cut)...]), into: &status)
        } else if let log = try? git.output(["log", "-1", "--format=%h%x00%ct%x00%s"]) {
            // Off its branch: the clone's own HEAD, read in its sandbox.
            readHead(log, into: &status)
        }
        if let counts = try? main.output(["rev-list", "--left-right", "--count", "refs/heads/\(mainBranch)...\(branch)"]) {
            readCounts(counts, into: &status)
        }
    }

    /// `%h NUL %ct NUL %s`.
    private static func readHead(_ log: String, into status: inout WorktreeStatus) {
        let parts = log.split(separator: "\0", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return }
        status.head = String(parts[0])
        status.committedAt = Int(parts[1])
        status.subject = String(parts[2])
    }

    /// `rev-list --left-right --count main...branch`: behind, then ahead.
    private static func readCounts(_ counts: String, into status: inout WorktreeStatus) {
        let numbers = counts.split(whereSeparator: { $0 == "\t" || $0 == " " }).compactMap { Int($0) }
        if numbers.count == 2 { (status.behind, status.ahead) = (numbers[0], numbers[1]) }
    }

    private static func lastActivity(_ path: String, index: String?, changed: [String], committedAt: Int?) -> Int? {
        var newest = committedAt ?? 0
        var candidates = changed.prefix(200).map { "\(path)/\($0)" }
        if let index { candidates.append(index) }
        for file in candidates {
            var st = stat()
            if lstat(file, &st) == 0 { newest = max(newest, Int(st.st_mtim.tv_sec)) }
        }
        return newest == 0 ? nil : newest
    }
}

final class IndexedBox: @unchecked Sendable {
    private let lock = NSLockLike()
    private var stored: [WorktreeStatus?]
    init(count: Int) { stored = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: WorktreeStatus) { lock.withLock { stored[i] = value } }
    var values: [WorktreeStatus] { lock.withLock { stored.compactMap { $0 } } }
}

/// The processes on this machine and their working directories, from /proc: how agents
/// started by hand or by another orchestrator are seen.
public enum ProcessTable {
    public struct Entry: Sendable, Equatable {
        public var pid: Int32
        public var cwd: String
        public var command: String
    }

    public static func snapshot() -> [Entry] {
        guard let dir = opendir("/proc") else { return [] }
        defer { closedir(dir) }
        var entries: [Entry] = []
        var buffer = [CChar](repeating: 0, count: 4096)
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let pid = Int32(name) else { continue }
            let n = readlink("/proc/\(pid)/cwd", &buffer, buffer.count - 1)
            guard n > 0 else { continue }
            let cwd = String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            entries.append(Entry(pid: pid, cwd: cwd, command: commandLine(pid)))
        }
        return entries
    }

    /// `/proc/PID/cmdline` with NULs as spaces, falling back to `comm`.
    static func commandLine(_ pid: Int32) -> String {
        let fd = open("/proc/\(pid)/cmdline", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 512)
        let n = read(fd, &bytes, bytes.count)
        guard n > 0 else { return "" }
        let text = bytes.prefix(n).map { $0 == 0 ? 0x20 : $0 }
        return String(decoding: text, as: UTF8.self).trimming(" ")
    }
}
