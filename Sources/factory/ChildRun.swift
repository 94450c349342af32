import FactoryEngine
#if canImport(Glibc)
import Glibc
#endif

/// A child process run to completion with its wall time and peak memory (from wait4).
struct ChildRun {
    var seconds: Double
    var peakKB: Int

    /// Runs argv (PATH searched) with its output thrown away; a non-zero exit is an error.
    static func measure(_ argv: [String]) throws -> ChildRun {
        let start = monotonicSeconds()
        let pid = try spawnProcess(argv)
        var usage = rusage()
        let code = waitForExit(pid, usage: &usage)
        let seconds = monotonicSeconds() - start
        guard code == 0 else { throw CLIError("\(argv.joined(separator: " ")) exited with \(code)") }
        return ChildRun(seconds: seconds, peakKB: usage.ru_maxrss)
    }
}
