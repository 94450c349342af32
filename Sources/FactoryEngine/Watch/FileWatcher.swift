import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Watches directories with inotify, driven by a Dispatch read source: no polling, no CPU
/// while nothing changes. Bursts are coalesced: the handler runs once, `delay` after the
/// first event of a burst. Directories are watched rather than files, because editors and
/// factory itself replace PLAN.md by rename, which leaves a watch on the file deaf.
/// Where inotify is unavailable it falls back to polling modification times with backoff.
public final class FileWatcher: @unchecked Sendable {
    private let queue: DispatchQueue
    private let delay: Double
    private let handler: @Sendable (Set<String>) -> Void
    private var fd: Int32 = -1
    private var source: DispatchSourceRead?
    private var watches: [Int32: String] = [:]
    /// Owned by `queue`, like the events it filters.
    private var only: [String: Set<String>]
    private var pending: Set<String> = []
    private var scheduled = false
    private var pollTimer: DispatchSourceTimer?
    private var polled: [String: Int] = [:]

    /// `handler` gets the directories in which something changed; it runs on `queue`.
    /// `only` limits some directories to the names that matter there (PLAN.md, say), so
    /// temporary files and our own logs do not wake anyone.
    public init(directories: [String], only: [String: Set<String>] = [:], queue: DispatchQueue, delay: Double = 0.005,
                forcePolling: Bool = false, handler: @escaping @Sendable (Set<String>) -> Void) {
        self.only = only
        self.queue = queue
        self.delay = delay
        self.handler = handler
        fd = forcePolling ? -1 : inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { startPolling(directories); return }
        for dir in directories {
            let wd = inotify_add_watch(fd, dir, Self.mask)
            if wd >= 0 { watches[wd] = dir }
        }
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        source.setEventHandler { [weak self] in self?.drain() }
        let descriptor = fd
        source.setCancelHandler { close(descriptor) }
        self.source = source
        source.resume()
    }

    public var usesInotify: Bool { source != nil }

    /// Watches one more directory, limited to `names` (all when nil). Call on `queue`. With
    /// polling, it joins the next round of polls.
    public func add(_ directory: String, only names: Set<String>? = nil) {
        dispatchPrecondition(condition: .onQueue(queue))
        if let names { only[directory] = names }
        if source != nil {
            guard !watches.values.contains(directory) else { return }
            let wd = inotify_add_watch(fd, directory, Self.mask)
            if wd >= 0 { watches[wd] = directory }
        } else if polled[directory] == nil {
            polled[directory] = Self.signature(directory)
        }
    }

    private static let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_MODIFY | IN_ATTRIB)

    /// From now on, only these names in `directory` count. Call on `queue`.
    public func restrict(_ directory: String, to names: Set<String>) {
        dispatchPrecondition(condition: .onQueue(queue))
        only[directory] = names
    }

    public func stop() {
        source?.cancel()
        source = nil
        pollTimer?.cancel()
        pollTimer = nil
    }

    deinit { stop() }

    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= n {
                let header = MemoryLayout<inotify_event>.size
                let (wd, length) = buffer.withUnsafeBytes { raw -> (Int32, Int) in
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    return (event.wd, Int(event.len))
                }
                if let dir = watches[wd] {
                    if let names = only[dir] {
                        let name = String(decoding: buffer[(offset + header)..<min(n, offset + header + length)].prefix { $0 != 0 }, as: UTF8.self)
                        if names.contains(name) { pending.insert(dir) }
                    } else {
                        pending.insert(dir)
                    }
                }
                offset += header + length
            }
        }
        schedule()
    }

    /// A change after a quiet moment is handled at once; changes that follow within
    /// `delay` are gathered and handled together when it has passed.
    private func schedule() {
        guard !pending.isEmpty, !scheduled else { return }
        scheduled = true
        let now = DispatchTime.now()
        let quiet = now.uptimeNanoseconds >= lastHandled.uptimeNanoseconds + UInt64(delay * 1e9)
        let fire: @Sendable () -> Void = { [weak self] in
            guard let self else { return }
            self.scheduled = false
            self.lastHandled = DispatchTime.now()
            let changed = self.pending
            self.pending = []
            self.handler(changed)
        }
        // asyncAfter goes through a timer with leeway even for "now": a quiet change is
        // dispatched directly.
        if quiet { queue.async(execute: fire) } else { queue.asyncAfter(deadline: lastHandled + delay, execute: fire) }
    }

    private var lastHandled = DispatchTime(uptimeNanoseconds: 0)

    /// The fallback: stat each directory's entries, 1 s apart, slowing to 10 s while quiet.
    private func startPolling(_ directories: [String]) {
        var interval = 1.0
        for d in directories { polled[d] = Self.signature(d) }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            var changed = false
            // Those added since count too.
            for d in self.polled.keys.sorted() {
                let sig = Self.signature(d)
                if sig != self.polled[d] { self.polled[d] = sig; self.pending.insert(d); changed = true }
            }
            interval = changed ? 1 : min(interval * 2, 10)
            timer.schedule(deadline: .now() + interval)
            self.schedule()
        }
        timer.schedule(deadline: .now() + interval)
        pollTimer = timer
        timer.resume()
    }

    /// Sum of the entries' modification times and sizes: changes when any entry does.
    static func signature(_ dir: String) -> Int {
        guard let d = opendir(dir) else { return 0 }
        defer { closedir(d) }
        var sum = 0
        while let entry = readdir(d) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            var st = stat()
            if stat("\(dir)/\(name)", &st) == 0 { sum &+= Int(st.st_mtim.tv_sec) &* 1_000_000_007 &+ Int(st.st_mtim.tv_nsec) &+ Int(st.st_size) }
        }
        return sum
    }
}
