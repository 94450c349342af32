import CLibc
#if canImport(Glibc)
import Glibc
#endif

/// Starts a program from an argv (PATH searched) — never through a shell — with stdin on
/// /dev/null, so a child can never read the user's terminal.
///
/// - `stdin`/`stdout`/`stderr`: descriptors to give the child (nil: /dev/null).
/// - `newGroup`: its own process group with default signal handling, so that killing the
///   group stops everything it started.
/// - `newSession`: its own session (implies a new group): no controlling terminal, so
///   nothing it starts can open `/dev/tty`.
/// - `passing`: further descriptors, each given to the child as the number it is paired with.
/// - `defaultSignals`: default signal handling and nothing blocked, in this process group —
///   for a program that takes over the terminal for a while (`tmux attach`): the caller
///   ignores SIGWINCH and its threads block signals, and the child must see resizes.
public func spawnProcess(_ argv: [String], directory: String? = nil, environment: [String: String] = [:],
                         stdin: Int32? = nil, stdout: Int32? = nil, stderr: Int32? = nil, newGroup: Bool = false,
                         newSession: Bool = false, passing: [(Int32, Int32)] = [], defaultSignals: Bool = false) throws(SpawnError) -> pid_t {
    guard let program = argv.first else { throw SpawnError("nothing to run") }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if let stdin { posix_spawn_file_actions_adddup2(&actions, stdin, 0) } else { posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0) }
    for (fd, target) in passing { posix_spawn_file_actions_adddup2(&actions, fd, target) }
    if let stdout { posix_spawn_file_actions_adddup2(&actions, stdout, 1) } else { posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0) }
    if let stderr { posix_spawn_file_actions_adddup2(&actions, stderr, 2) } else { posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0) }
    if let directory { posix_spawn_file_actions_addchdir_np(&actions, directory) }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    if newGroup || newSession {
        var defaults = sigset_t(), empty = sigset_t()
        sigfillset(&defaults)
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setpgroup(&attributes, 0)
        let grouping = newSession ? Int32(factory_spawn_setsid) : POSIX_SPAWN_SETPGROUP
        posix_spawnattr_setflags(&attributes, Int16(grouping | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    } else if defaultSignals {
        var defaults = sigset_t(), empty = sigset_t()
        sigfillset(&defaults)
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    }
    var env = ProcessRunner.currentEnvironment()
    for (k, v) in environment { env[k] = v }
    let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    let cArgs = argv.map { strdup($0) } + [nil]
    defer { (cEnv + cArgs).forEach { free($0) } }
    var pid: pid_t = 0
    let rc = posix_spawnp(&pid, program, &actions, &attributes, cArgs, cEnv)
    guard rc == 0 else { throw SpawnError("cannot run \(program): \(String(cString: strerror(rc)))") }
    return pid
}

/// Waits for a child; its exit status, or 128 + the signal that ended it.
public func waitForExit(_ pid: pid_t, usage: UnsafeMutablePointer<rusage>? = nil) -> Int32 {
    var status: Int32 = 0
    while wait4(pid, &status, 0, usage) < 0 && errno == EINTR {}
    return exitStatus(status)
}

/// A wait status as a shell shows it: the exit status, or 128 + the signal that ended it.
public func exitStatus(_ status: Int32) -> Int32 {
    (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
}
