import Foundation

/// What a soak found, and whether that is a pass.
struct SoakResult {
    let seconds: Double, interval: Double, written: Int, writeErrors: [String], found: [Int], shownLast: Bool
    let memoryKiB: [Int], keys: [Double], catchUps: [Double], stuck: [String]
    let demos: Int, demoFailures: [String], planBytes: Int, freshKiB: Int, restKiB: Int

    init(seconds: Double, interval: Double, written: Int, writeErrors: [String], found: [Int], shownLast: Bool, watch: SoakWatch,
         demos: Int, demoFailures: [String], planBytes: Int, freshKiB: Int, restKiB: Int) {
        self.seconds = seconds; self.interval = interval; self.written = written; self.writeErrors = writeErrors; self.found = found; self.shownLast = shownLast
        memoryKiB = watch.memoryKiB; keys = watch.keys; catchUps = watch.catchUps; stuck = watch.stuck
        self.demos = demos; self.demoFailures = demoFailures; self.planBytes = planBytes; self.freshKiB = freshKiB; self.restKiB = restKiB
    }

    /// Every number written is in PLAN.md exactly once.
    var lost: Int { written - Set(found).intersection(0..<written).count }
    var duplicated: Int { found.count - Set(found).count }
    var startKiB: Int { memoryKiB.first ?? 0 }
    var endKiB: Int { memoryKiB.last ?? 0 }
    /// Memory after the first tenth of the run (start-up and first allocations done).
    var settledKiB: Int { memoryKiB.isEmpty ? 0 : memoryKiB[memoryKiB.count / 10] }

    /// Flat: the dashboard holds every message PLAN.md has, so its memory follows the file's
    /// size. What it must not do is creep: once the stream has stopped, it holds no more than
    /// a dashboard started fresh on the same file, give or take a quarter and 8 MiB.
    var memoryFlat: Bool { freshKiB > 0 && restKiB <= freshKiB * 5 / 4 + 8 * 1024 }

    var passed: Bool {
        lost == 0 && duplicated == 0 && writeErrors.isEmpty && shownLast && stuck.isEmpty && demoFailures.isEmpty && memoryFlat
    }

    private func percentile(_ values: [Double], _ p: Int) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, sorted.count * p / 100)] * 1000
    }

    func printReport() {
        print(String(format: "soak of %.0f s: dashboard under a message every few ms, %d runs of factory demo --headless beside it", seconds, demos))
        print(String(format: "  writer: a message every %.0f ms asked, %.1f a second achieved (each a locked read, edit and atomic write of PLAN.md)",
                     interval * 1000, Double(written) / seconds))
        print("  messages written \(written), found in PLAN.md \(Set(found).count) (lost \(lost), duplicated \(duplicated), write errors \(writeErrors.count))"
              + (shownLast ? "; the last one on screen" : "; the last one NOT on screen"))
        print(String(format: "  dashboard memory: %.1f MiB at start, %.1f MiB settled, %.1f MiB at end, %.1f MiB peak; PLAN.md grew to %.1f MiB,",
                     mib(startKiB), mib(settledKiB), mib(endKiB), mib(memoryKiB.max() ?? 0), Double(planBytes) / 1_048_576))
        print(String(format: "    at rest 3 s after the stream: %.1f MiB; a fresh dashboard on the same file: %.1f MiB: %@", mib(restKiB), mib(freshKiB),
                     memoryFlat ? "FLAT (no creep)" : "CREEPING"))
        print(String(format: "  newest message → on screen: p50 %.0f ms, p99 %.0f ms, max %.0f ms; key → screen: p50 %.0f ms, p99 %.0f ms; stuck frames: %d",
                     percentile(catchUps, 50), percentile(catchUps, 99), (catchUps.max() ?? 0) * 1000, percentile(keys, 50), percentile(keys, 99), stuck.count))
        print("  demo runs \(demos), failed \(demoFailures.count)")
        for problem in (writeErrors + stuck + demoFailures).prefix(10) { print("  ! \(problem)") }
        print(passed ? "PASS" : "FAIL")
    }

    var json: String {
        let figures: [String: Any] = [
            "seconds": seconds, "interval_ms": interval * 1000, "messages_written": written, "messages_found": Set(found).count, "messages_lost": lost,
            "messages_duplicated": duplicated, "write_errors": writeErrors.count, "last_on_screen": shownLast,
            "rss_start_kib": startKiB, "rss_settled_kib": settledKiB, "rss_end_kib": endKiB, "rss_peak_kib": memoryKiB.max() ?? 0, "rss_fresh_kib": freshKiB, "rss_rest_kib": restKiB,
            "plan_bytes": planBytes, "memory_flat": memoryFlat, "catch_up_p99_ms": percentile(catchUps, 99),
            "key_p99_ms": percentile(keys, 99), "stuck_frames": stuck.count, "demo_runs": demos, "demo_failures": demoFailures.count,
            "problems": Array((writeErrors + stuck + demoFailures).prefix(10)), "passed": passed,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    private func mib(_ kib: Int) -> Double { Double(kib) / 1024 }
}
