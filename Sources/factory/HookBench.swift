import ArgumentParser
import FactoryEngine
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `factory bench hook`: what a hook costs the agent — `factory hook` started with a
/// PreToolUse payload on a pipe, as Claude Code runs it, until it exits; beside it the
/// floor any hook pays, starting `/bin/true` the same way.
struct HookBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook",
        abstract: "Measure factory hook: its wall time per event (start to exit), beside starting /bin/true."
    )
    @Option(help: "Runs of each.") var runs = 300

    func run() throws {
        signal(SIGPIPE, SIG_IGN)  // /bin/true does not read its stdin
        let dir = NSTemporaryDirectory() + "factory-bench-hook-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let payload = Array(#"{"session_id":"3f0c","transcript_path":"/home/u/.claude/projects/p/3f0c.jsonl","cwd":"/repo/worktrees/builder","permission_mode":"default","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"swift build --build-tests","description":"Build"}}"#.utf8)
        let large = Array(#"{"hook_event_name":"PostToolUse","tool_name":"Read","tool_input":{"file_path":"/repo/big.swift"},"tool_response":{"content":""#.utf8)
            + [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20) + Array(#""}}"#.utf8)
        var hook: [Double] = [], floor: [Double] = [], big: [Double] = []
        for i in 0..<runs {
            hook.append(try time([executablePath(), "hook", "PreToolUse", "--run", dir], payload))
            floor.append(try time(["/bin/true"], payload))
            if i % 10 == 0 { big.append(try time([executablePath(), "hook", "PostToolUse", "--run", dir], large)) }
        }
        let records = SignalFile(RunDirectory(dir).signals).lastRecords(window: 1 << 20).count
        let (p50, p99) = percentiles(hook), (f50, f99) = percentiles(floor), (b50, b99) = percentiles(big)
        print(String(format: "factory hook PreToolUse, start to exit: p50 %.1f ms, p99 %.1f ms, max %.1f ms over %d runs (target p99 < 20 ms) %@",
                     p50, p99, (hook.max() ?? 0) * 1000, runs, p99 < 20 ? "PASS" : "FAIL"))
        print(String(format: "  /bin/true started the same way: p50 %.1f ms, p99 %.1f ms — the floor of any hook", f50, f99))
        print(String(format: "  a 1 MiB PostToolUse payload (read to its end, 256 KiB kept): p50 %.1f ms, p99 %.1f ms over %d runs", b50, b99, big.count))
        print("  \(records) records kept of \(runs + big.count) written (the file rotates past 256 KiB)")
    }

    /// Milliseconds at the 50th and 99th percentiles.
    private func percentiles(_ seconds: [Double]) -> (Double, Double) {
        let sorted = seconds.sorted()
        guard !sorted.isEmpty else { return (0, 0) }
        return (sorted[sorted.count / 2] * 1000, sorted[min(sorted.count - 1, sorted.count * 99 / 100)] * 1000)
    }

    /// One run of `argv` with `input` written to its stdin through a pipe, start to exit.
    private func time(_ argv: [String], _ input: [UInt8]) throws -> Double {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw CLIError("no pipe") }
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)  // the child gets only the read end
        let t0 = monotonicSeconds()
        let pid = try spawnProcess(argv, stdin: fds[0])
        close(fds[0])
        var sent = 0
        while sent < input.count {
            let n = input[sent...].withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            sent += n
        }
        close(fds[1])
        _ = waitForExit(pid)
        return monotonicSeconds() - t0
    }
}
