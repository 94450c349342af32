import CLibc
import Dispatch

/// Gives freed heap back to the system. Each re-read of a PLAN.md that agents append to
/// every few milliseconds allocates and frees its whole text and parse, and the screen's
/// copies are freed later on other threads; glibc keeps those pages in its arenas, so a
/// dashboard under a steady stream of messages held twice what a fresh one does on the same
/// file (the soak: 49 → 117 MiB on a 2 MB PLAN.md, where a fresh dashboard holds 43 MiB; one
/// `malloc_trim` by hand brought it back). `malloc_trim` is cheap but not free: it runs at
/// most once a second while re-reads go on, and once more when they have stopped for two
/// seconds, so memory goes back when the activity does.
final class HeapTrim: @unchecked Sendable {
    private let queue: DispatchQueue
    private var last = 0.0
    private var quietTrimPending = false
    private var lastRead = 0.0

    init(queue: DispatchQueue) { self.queue = queue }

    /// Called on `queue` after a large allocation was dropped.
    func afterLargeFree() {
        let now = Self.now()
        lastRead = now
        if now - last >= 1 { trim(now) }
        guard !quietTrimPending else { return }
        quietTrimPending = true
        queue.asyncAfter(deadline: .now() + 2) { [weak self] in self?.trimWhenQuiet() }
    }

    private func trimWhenQuiet() {
        let now = Self.now()
        guard now - lastRead >= 2 else {
            queue.asyncAfter(deadline: .now() + (2 - (now - lastRead))) { [weak self] in self?.trimWhenQuiet() }
            return
        }
        quietTrimPending = false
        trim(now)
    }

    private func trim(_ now: Double) {
        last = now
        _ = malloc_trim(0)
    }

    private static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
