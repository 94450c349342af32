import Dispatch
import Foundation

/// What the engine knows of the agents' worktrees: each one's last status, which ones
/// changed since, and which directories and refs to watch to hear of it.
///
/// Confined to the engine's queue (each entry point asserts it). Reading a worktree costs a
/// few git processes, so changes are gathered and read at most every 200 ms; `refreshed` is
/// called after each such reading, for the engine to move the pipeline.
final class WorktreeTracker: @unchecked Sendable {
    /// A list of directories for a `FileWatcher`, with the names that matter in some of them.
    struct WatchList {
        var directories: [String] = []
        var only: [String: Set<String>] = [:]
    }

    private let queue: DispatchQueue
    private let paths: WorkspacePaths
    private let clones: AgentClones
    private let mainBranch: String
    private var statuses: [String: WorktreeStatus] = [:]
    /// False until the worktrees were read once (a dashboard's first frame does without).
    private var loaded = false
    private var stale: Set<String> = []
    private var refreshScheduled = false
    private var processRecheckScheduled = false
    /// Watched directory → the role whose worktree it belongs to.
    private var watchedRoles: [String: String] = [:]
    private var stopped = false
    var refreshed: (() -> Void)?

    init(queue: DispatchQueue, clones: AgentClones, mainBranch: String) {
        self.queue = queue
        self.paths = clones.paths
        self.clones = clones
        self.mainBranch = mainBranch
    }

    /// The role's worktree as last read.
    subscript(role: String) -> WorktreeStatus? {
        dispatchPrecondition(condition: .onQueue(queue))
        return statuses[role]
    }

    var isLoaded: Bool {
        dispatchPrecondition(condition: .onQueue(queue))
        return loaded
    }

    /// Reads every worktree, several at once (each is a few git processes).
    func refreshNow() {
        dispatchPrecondition(condition: .onQueue(queue))
        let processes = ProcessTable.snapshot()
        let collected = StatusBox()
        let roleList = Role.all, clones = clones, main = mainBranch
        DispatchQueue.concurrentPerform(iterations: roleList.count) { i in
            let s = WorktreeMonitor.status(of: clones.paths.worktree(roleList[i]), mainBranch: main, processes: processes, clones: clones)
            collected.set(roleList[i], s)
        }
        statuses = collected.values
        loaded = true
        recheckProcesses()
    }

    /// Something changed in these watched directories: their worktrees are read again soon.
    /// A directory that is no one worktree's (a branch ref moving may change everyone's
    /// ahead/behind) makes every worktree stale.
    func changed(_ directories: Set<String>) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !directories.isEmpty else { return }
        let touched = directories.compactMap { watchedRoles[$0] }
        scheduleRefresh(touched.count == directories.count ? Set(touched) : Set(Role.all))
    }

    /// While an agent writes file after file, each touched worktree is read at most every
    /// 200 ms.
    private func scheduleRefresh(_ roles: Set<String>) {
        stale.formUnion(roles)
        guard !refreshScheduled else { return }
        refreshScheduled = true
        queue.asyncAfter(deadline: .now() + 0.2) { [weak self] in
            guard let self, !self.stopped else { return }
            self.refreshStale()
            self.refreshed?()
        }
    }

    private func refreshStale() {
        refreshScheduled = false
        let roles = stale
        stale = []
        let processes = ProcessTable.snapshot()
        for role in roles {
            statuses[role] = WorktreeMonitor.status(of: paths.worktree(role), mainBranch: mainBranch, processes: processes, clones: clones)
        }
        recheckProcesses()
    }

    /// A process in a worktree leaves no file behind when it ends: while any worktree shows
    /// one, it is looked for again every few seconds, so the `ext:N` goes when they do.
    private func recheckProcesses() {
        let busy = Set(statuses.filter { !$0.value.processes.isEmpty }.map(\.key))
        guard !busy.isEmpty, !processRecheckScheduled else { return }
        processRecheckScheduled = true
        queue.asyncAfter(deadline: .now() + Self.processRecheck) { [weak self] in
            guard let self, !self.stopped else { return }
            self.processRecheckScheduled = false
            self.scheduleRefresh(busy)
        }
    }

    static let processRecheck = 3.0

    /// The worktrees, their git directories and the branch refs, loose and packed: branches
    /// moving — an agent's, or main after a merge — change every worktree's ahead/behind.
    func watchList() -> WatchList {
        dispatchPrecondition(condition: .onQueue(queue))
        var list = WatchList()
        watchedRoles = [:]
        for role in Role.all {
            list.directories.append(paths.worktree(role))
            watchedRoles[paths.worktree(role)] = role
            // A clone's git folder is its own `.git` (its config is not run for this); a git
            // worktree's is named by the main repository's git.
            let checkout = clones.checkout(role)
            if let gitDir = checkout.isClone ? "\(checkout.path)/.git" : try? Git(paths.worktree(role)).output(["rev-parse", "--absolute-git-dir"]) {
                list.directories.append(gitDir)
                watchedRoles[gitDir] = role
            }
        }
        if let common = try? Git(paths.root).output(["rev-parse", "--git-common-dir"]) {
            let abs = common.hasPrefix("/") ? common : "\(paths.root)/\(common)"
            list.directories.append("\(abs)/refs/heads/agent")
            let mainRef = "\(abs)/refs/heads/\(mainBranch)"
            if let slash = mainRef.lastIndex(of: "/") {
                let folder = String(mainRef[..<slash])
                list.directories.append(folder)
                list.only[folder] = [String(mainRef[mainRef.index(after: slash)...])]
            }
            list.directories.append(abs)
            list.only[abs] = ["packed-refs"]
        }
        return list
    }

    /// No more readings: the engine is shutting down.
    func stop() {
        dispatchPrecondition(condition: .onQueue(queue))
        stopped = true
        refreshed = nil
    }
}

/// Results gathered from concurrent workers.
final class StatusBox: @unchecked Sendable {
    private let lock = NSLockLike()
    private var stored: [String: WorktreeStatus] = [:]
    func set(_ key: String, _ value: WorktreeStatus) { lock.withLock { stored[key] = value } }
    var values: [String: WorktreeStatus] { lock.withLock { stored } }
}
