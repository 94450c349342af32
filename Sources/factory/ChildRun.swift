#if canImport(Glibc)
import Glibc
#endif

/// A child process run to completion with its wall time and peak memory (from wait4).
struct ChildRun {
    var seconds: Double
    var peakKB: Int
    var status: Int32

    /// Runs argv (PATH searched) with stdout and stdin on /dev/null.
    static func measure(_ argv: [String]) throws -> ChildRun {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let cargs = argv.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        var pid: pid_t = 0
        let start = monotonicSeconds()
        let rc = posix_spawnp(&pid, argv[0], &actions, nil, cargs, environ)
        guard rc == 0 else { throw CLIError("cannot run \(argv[0]): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let seconds = monotonicSeconds() - start
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard code == 0 else { throw CLIError("\(argv.joined(separator: " ")) exited with \(code)") }
        return ChildRun(seconds: seconds, peakKB: usage.ru_maxrss, status: code)
    }
}
