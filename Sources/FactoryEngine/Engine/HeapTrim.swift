import CLibc

/// Gives freed heap back to the system now and then. Each re-read of a PLAN.md that agents
/// append to every few milliseconds allocates and frees its whole text and parse; glibc keeps
/// those pages in its per-thread arenas, so a dashboard left open for hours would hold tens
/// of megabytes it no longer uses (the soak measured 46 → 86 MiB over 16,000 appends).
/// `malloc_trim` returns them; it is cheap but not free, so it runs at most once a second.
struct HeapTrim {
    private var last = 0.0

    mutating func afterLargeFree(now: Double) {
        guard now - last >= 1 else { return }
        last = now
        _ = malloc_trim(0)
    }
}
