import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Driving: watching PLAN.md and the worktrees, and taking over from a driving engine that
/// stopped.
extension Engine {
    /// Starts driving: re-adopts surviving agents, watches PLAN.md and the worktrees, and
    /// moves the pipeline whenever something changes.
    public func drive() {
        queue.async { [self] in
            startWatching()
            // What changed between reading the files at init and watching them now would
            // never be seen again (a pipeline waiting for approval writes nothing more).
            reloadPlan()
            if !options.driving, let fresh = StateStore(path: paths.state).load() { follow(fresh) }
            publish()
            worktrees.refreshNow()
            guard options.driving else { return publish() }
            openCommandServer()
            // The copies first: an agent that ended while no engine ran is reported ended
            // by the adoption, and what it last wrote must be in before the gates look.
            adoptCopies()
            pool.adoptSurvivors()
            watchSessions()
            event(.engineStarted, "driving \(paths.root) (pid \(getpid()))")
            step()
        }
    }

    func startWatching() {
        dispatchPrecondition(condition: .onQueue(queue))
        let list = worktrees.watchList()
        var only = list.only
        only[paths.comms] = Self.watchedComms(driving: options.driving)
        // The agents' copies of PLAN.md: only a driving engine takes them in.
        let copies = options.driving ? copyFolders() : [:]
        for folder in copies.keys { only[folder] = ["PLAN.md"] }
        let dirs = [paths.comms] + list.directories + copies.keys.sorted()
        watcher = FileWatcher(directories: dirs.filter { FileManager.default.fileExists(atPath: $0) }, only: only, queue: queue) { [weak self] changed in
            self?.filesChanged(changed)
        }
    }

    /// A watching engine follows the driving one through state.json too.
    static func watchedComms(driving: Bool) -> Set<String> {
        driving ? ["PLAN.md"] : ["PLAN.md", "state.json"]
    }

    func filesChanged(_ changed: Set<String>) {
        if changed.contains(paths.comms) {
            reloadPlan()
            if !options.driving, let fresh = StateStore(path: paths.state).load() { follow(fresh) }
        }
        let copies = Set(Role.all.map { paths.run($0).planCopyFolder })
        for role in Role.all where changed.contains(paths.run(role).planCopyFolder) { takeCopy(role) }
        worktrees.changed(changed.filter { $0 != paths.comms && !copies.contains($0) })
        step()
    }

    /// A watching engine waits, off every queue, for the driving process to let go of
    /// `engine.lock` (it does when it exits, however it exits), then drives in its place.
    /// `announce` is called once it does.
    public func takeOverWhenFree(_ announce: @escaping @Sendable (String) -> Void) {
        let lockPath = paths.engineLock
        let thread = Thread { [weak self] in
            guard let fd = EngineLock.wait(lockPath) else { return }
            guard let self else { close(fd); return }
            self.queue.async {
                guard !self.stopped else { close(fd); return }
                self.becomeDriver()
                announce("driving now: the factory that drove has stopped")
            }
        }
        thread.start()
    }

    /// From watching to driving: the driver's last state, its agents re-adopted through
    /// their keepers, commands taken, the pipeline moved.
    private func becomeDriver() {
        guard !options.driving else { return }
        options.driving = true
        if let fresh = StateStore(path: paths.state).load() { follow(fresh) }
        reloadPlan()
        // The same watch, narrowed, and the agents' copies of PLAN.md added: a new watch
        // would miss what changes while it starts.
        watcher?.restrict(paths.comms, to: Self.watchedComms(driving: true))
        for folder in copyFolders().keys.sorted() { watcher?.add(folder, only: ["PLAN.md"]) }
        openCommandServer()
        adoptCopies()
        pool.adoptSurvivors()
        event(.engineStarted, "took over driving \(paths.root) (pid \(getpid()))")
        step()
    }
}
