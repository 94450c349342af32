import CLibc
import Foundation
import PlanDocument
#if canImport(Glibc)
import Glibc
#endif

/// Starts `factory keeper RUNDIR` in a session of its own and waits for its word: the
/// agent's pid, or the reason the agent could not start.
struct KeeperLauncher {
    let factoryPath: String
    let run: RunDirectory
    var patience = 10.0
    /// Start the keeper in this tmux session rather than in a session of its own.
    var terminal: TerminalSessions.Session?

    func launch() throws(SpawnError) -> Int32 {
        if let terminal { return try launch(in: terminal) }
        var sync: [Int32] = [0, 0]
        guard pipe2(&sync, O_CLOEXEC) == 0 else { throw SpawnError("cannot create a pipe: \(errnoText())") }
        defer { close(sync[0]) }
        // The keeper's own complaints (a crash, say) go to a file beside its records.
        let errors = open("\(run.path)/keeper.log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        defer { if errors >= 0 { close(errors) } }
        let keeperPid: pid_t
        do {
            keeperPid = try spawnProcess([factoryPath, "keeper", run.path], directory: run.path, stderr: errors >= 0 ? errors : nil,
                                         newSession: true, passing: [(sync[1], Keeper.syncDescriptor)])
        } catch {
            close(sync[1])
            throw SpawnError("cannot start the keeper (\(factoryPath)): \(error.description)")
        }
        close(sync[1])
        reap(keeperPid)
        guard let line = readLine(sync[0]), let word = JSONLine.decode(KeeperMessage.self, line[...]) else {
            throw SpawnError("the keeper did not start the agent; see \(run.path)/keeper.log")
        }
        guard word.ok == true, let pid = word.agentPid else { throw SpawnError(word.error ?? "the agent did not start") }
        return pid
    }

    /// The keeper as the command of a tmux session. tmux passes it no descriptor, so its
    /// start word comes through a named pipe, opened here before the session starts.
    private func launch(in terminal: TerminalSessions.Session) throws(SpawnError) -> Int32 {
        unlink(run.startPipe)
        guard mkfifo(run.startPipe, 0o600) == 0 else { throw SpawnError("cannot create \(run.startPipe): \(errnoText())") }
        defer { unlink(run.startPipe) }
        let reader = open(run.startPipe, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard reader >= 0 else { throw SpawnError("cannot open \(run.startPipe): \(errnoText())") }
        defer { close(reader) }
        // A writer of our own keeps the pipe from reading as ended before the keeper opens it.
        let holder = open(run.startPipe, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        defer { if holder >= 0 { close(holder) } }
        _ = fcntl(reader, F_SETFL, fcntl(reader, F_GETFL) & ~O_NONBLOCK)
        try terminal.sessions.create(terminal.name, command: [factoryPath, "keeper", run.path], directory: run.path)
        guard let line = readLine(reader), let word = JSONLine.decode(KeeperMessage.self, line[...]) else {
            throw SpawnError("the keeper did not start the agent in tmux session \(terminal.name); see \(run.path)/keeper.log")
        }
        guard word.ok == true, let pid = word.agentPid else { throw SpawnError(word.error ?? "the agent did not start") }
        return pid
    }

    /// The keeper is our child until it exits: collect it so it never lingers as a zombie.
    private func reap(_ pid: pid_t) {
        DispatchQueue.global(qos: .utility).async {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
    }

    private func readLine(_ fd: Int32) -> [UInt8]? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = monotonicNow() + patience
        while !bytes.contains(0x0A) {
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let left = Int32(max(0, (deadline - monotonicNow()) * 1000))
            let rc = poll(&entry, 1, left)
            if rc < 0 && errno == EINTR { continue }
            guard rc > 0 else { return nil }
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return bytes.isEmpty ? nil : bytes }
            bytes.append(contentsOf: buffer[0..<n])
        }
        return Array(bytes.prefix { $0 != 0x0A })
    }
}
