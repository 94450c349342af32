import CLibc
import Foundation
import PlanDocument
#if canImport(Glibc)
import Glibc
#endif

/// The keeper: one small process per agent, between the engine and the agent (the pattern
/// of Podman's conmon, dtach and tmux's server).
///
/// Started in a session of its own, so neither it nor its agent has a controlling terminal
/// and `/dev/tty` cannot be opened. It holds the agent's stdin (a pipe that stays open),
/// reads its stdout and stderr, writes the capped log itself, and records the exit status
/// atomically in `exit.json` when the agent ends. Engines and dashboards come and go: they
/// talk to it over `keeper.sock`, and none of them is a reader the agent depends on for
/// long (a slow one is sent everything at its pace, one that stops reading is skipped). It
/// exits once the agent has ended, its status is recorded, its output is drained and sent
/// to its followers, and whatever the agent left running has been ended.
///
/// Single-threaded: one `poll` loop, no Dispatch, so a blocked signal stays blocked.
public final class Keeper {
    /// How long output from the agent's leftover children is still logged after it exits.
    static let linger = 2.0
    /// The descriptor on which the engine waits for "started" or the reason it could not.
    static let syncDescriptor: Int32 = 3
    static let readSize = 1 << 20

    struct Client {
        var lines = LineBuffer()
        var watching = false
        var output = false
        /// The place in the agent's output of the next byte to send it.
        var next = 0
        /// Bytes its socket has not taken yet, sent as it drains.
        var unsent: [UInt8] = []
        var exitSent = false
        /// When its socket last took anything.
        var lastProgress = wallNow()
    }

    let run: RunDirectory
    let spec: KeeperSpec
    let log: AgentLog
    var agentPid: pid_t = 0
    var listener: Int32 = -1
    /// The inode of the socket file this keeper made: the next run's keeper, started while
    /// this one lingers, makes its own at the same path, which this one must not remove.
    var socketInode: ino_t = 0
    var output: Int32 = -1
    /// The agent's stderr, read apart from stdout when the spec asks (a protocol on stdout
    /// must not be interleaved with diagnostics); -1 when it shares stdout's pipe.
    var errors: Int32 = -1
    var input: Int32 = -1
    var pidfd: Int32 = -1
    var signals: Int32 = -1
    var clients: [Int32: Client] = [:]
    var pendingInput: [UInt8] = []
    var exitRecord: AgentExitRecord?
    var killAt: Double?
    var lingerUntil: Double?
    /// One buffer for the agent's output, allocated once: a chatty agent wakes the keeper
    /// often.
    var outputBuffer = [UInt8](repeating: 0, count: Keeper.readSize)
    /// The output not yet sent to every client that follows it live.
    var backlog: OutputBacklog
    /// A client has come for the output (an engine that follows it), and one has had the
    /// agent's exit after all of it.
    var followerCame = false
    var exitDelivered = false
    let began = wallNow()

    init(run: RunDirectory, spec: KeeperSpec) {
        self.run = run
        self.spec = spec
        log = AgentLog(path: spec.log, cap: spec.logCap)
        // An engine decodes this agent's output: it must not miss a byte, however fast it comes.
        backlog = OutputBacklog(capacity: spec.followed == true ? 16 << 20 : 256 << 10)
    }

    /// `factory keeper RUNDIR`: runs the agent described by RUNDIR/spec.json to its end.
    public static func main(runDirectory: String) -> Int32 {
        let run = RunDirectory(runDirectory)
        // Started by tmux, the keeper gets no start descriptor: its word goes to the named
        // pipe the launcher reads (opened before anything else takes descriptor 3).
        if fcntl(syncDescriptor, F_GETFD) < 0 {
            let fifo = open(run.startPipe, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
            if fifo >= 0, fifo != syncDescriptor { dup2(fifo, syncDescriptor); close(fifo) }
        }
        factory_close_inherited(syncDescriptor + 1)
        // The start handshake is the keeper's alone: never inherited by the agent.
        _ = fcntl(syncDescriptor, F_SETFD, FD_CLOEXEC)
        for sig in [SIGPIPE, SIGHUP, SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU] { signal(sig, SIG_IGN) }
        guard let spec = run.read(KeeperSpec.self, run.spec) else {
            reportStart(ok: false, error: "cannot read \(run.spec)")
            return 1
        }
        let keeper = Keeper(run: run, spec: spec)
        adoptOrphans()
        do throws(SpawnError) { try keeper.start() } catch {
            keeper.recordStartFailure(error.description)
            reportStart(ok: false, error: error.description)
            return 1
        }
        reportStart(ok: true, agentPid: keeper.agentPid)
        keeper.loop()
        keeper.finish()
        return 0
    }

    static func reportStart(ok: Bool, error: String? = nil, agentPid: Int32? = nil) {
        guard fcntl(syncDescriptor, F_GETFD) >= 0 else { return }
        writeAll(syncDescriptor, JSONLine.encode(KeeperMessage.reply(ok: ok, error: error, agentPid: agentPid)))
        close(syncDescriptor)
    }

    // MARK: start

    func start() throws(SpawnError) {
        try? FileManager.default.removeItem(atPath: run.exit)
        do { listener = try UnixSocket.listen(at: run.socket) } catch { throw SpawnError(error.description) }
        var st = stat()
        if stat(run.socket, &st) == 0 { socketInode = st.st_ino }
        setNonBlocking(listener)
        watchTermination()
        if spec.terminalSession != nil { return try startInTerminal() }
        var stdinPipe: [Int32] = [0, 0], outputPipe: [Int32] = [0, 0]
        guard pipe2(&stdinPipe, O_CLOEXEC) == 0, pipe2(&outputPipe, O_CLOEXEC) == 0 else {
            throw SpawnError("cannot create a pipe: \(errnoText())")
        }
        var errorPipe: [Int32] = [-1, -1]
        if spec.separatesErrors, pipe2(&errorPipe, O_CLOEXEC) != 0 { throw SpawnError("cannot create a pipe: \(errnoText())") }
        defer {
            close(stdinPipe[0])
            close(outputPipe[1])
            if errorPipe[1] >= 0 { close(errorPipe[1]) }
        }
        // A roomier pipe (1 MiB where the system allows) lets a flooding agent write on
        // while the keeper is busy with the log: fewer wake-ups for both.
        _ = fcntl(outputPipe[0], Int32(1031) /* F_SETPIPE_SZ */, Int32(Self.readSize))
        input = stdinPipe[1]
        output = outputPipe[0]
        // Each run's output follows a line that says which attempt it is: the detail view
        // separates attempts there, and so can a person reading the log.
        if let attempt = spec.attempt { log.mark(AttemptMark(attempt: attempt, phase: spec.phase, startedAt: wallNow()).logLine) }
        let command = try commandLine()
        do {
            agentPid = try spawnProcess(command.argv, directory: spec.directory, environment: spec.environment,
                                        stdin: stdinPipe[0], stdout: outputPipe[1], stderr: errorPipe[1] >= 0 ? errorPipe[1] : outputPipe[1], newGroup: true)
        } catch {
            throw SpawnError("cannot start \(command.program): \(error.description.replacingOccurrences(of: "cannot run \(command.argv[0]): ", with: ""))")
        }
        errors = errorPipe[0]
        setNonBlocking(input)
        setNonBlocking(output)
        if errors >= 0 { setNonBlocking(errors) }
        // A plain program reads its input to the end (`claude -p` waits for it): it gets
        // an empty stdin at once unless it speaks a protocol on it.
        if let first = spec.initialInput { pendingInput.append(contentsOf: Array(first.utf8)) }
        flushInput()
        if !spec.keepsInputOpen && pendingInput.isEmpty { close(input); input = -1 }
        pidfd = factory_pidfd_open(agentPid)
        let record = KeeperRecord(runID: spec.runID, keeperPid: getpid(), agentPid: agentPid,
                                  agentStartTicks: processStartTicks(agentPid), startedAt: wallNow())
        try? run.write(record, run.keeper)
    }

    /// In a terminal session: the agent gets the session's terminal (the keeper's own 0, 1
    /// and 2) and becomes its foreground process group, as a shell would make it — it reads
    /// the keys typed in the session, and its children are still one group to end. Its
    /// output is the screen's, read through tmux; the log holds the attempt's mark only.
    func startInTerminal() throws(SpawnError) {
        if let attempt = spec.attempt { log.mark(AttemptMark(attempt: attempt, phase: spec.phase, startedAt: wallNow()).logLine) }
        let command = try commandLine()
        do {
            agentPid = try spawnProcess(command.argv, directory: spec.directory, environment: spec.environment,
                                        stdin: 0, stdout: 1, stderr: 2, newGroup: true)
        } catch {
            throw SpawnError("cannot start \(command.program): \(error.description.replacingOccurrences(of: "cannot run \(command.argv[0]): ", with: ""))")
        }
        // The keeper ignores SIGTTOU, so it may hand the terminal over from the background;
        // an agent that touched the terminal before it was its own was stopped: go on.
        tcsetpgrp(0, agentPid)
        Glibc.kill(-agentPid, SIGCONT)
        pidfd = factory_pidfd_open(agentPid)
        let record = KeeperRecord(runID: spec.runID, keeperPid: getpid(), agentPid: agentPid,
                                  agentStartTicks: processStartTicks(agentPid), startedAt: wallNow())
        try? run.write(record, run.keeper)
    }

    /// An agent in a terminal session prints to its screen, not to the log: what the screen
    /// showed when it ended (why it failed, often) goes into the log before the session —
    /// and the screen with it — is gone. tmux tells the keeper its own pane ($TMUX_PANE).
    func logLastScreen() {
        guard let pane = ProcessInfo.processInfo.environment["TMUX_PANE"] else { return }
        let screen = ProcessRunner.run(["tmux", "capture-pane", "-p", "-J", "-S", "-200", "-t", pane])
        guard screen.succeeded else { return }
        var lines = screen.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
        log.mark("── factory: the session's screen when \(spec.role)'s agent ended ──")
        Array((lines.joined(separator: "\n") + "\n").utf8).withUnsafeBytes { log.append($0) }
    }

    /// SIGTERM to the keeper ends the agent (then the keeper), instead of orphaning it.
    func watchTermination() {
        var mask = sigset_t()
        sigemptyset(&mask)
        sigaddset(&mask, SIGTERM)
        // In a terminal session, the session closing (tmux killed, the server gone) hangs up
        // the keeper: it ends the agent too, rather than leave it running with no terminal.
        if spec.terminalSession != nil { sigaddset(&mask, SIGHUP) }
        pthread_sigmask(SIG_BLOCK, &mask, nil)
        signals = signalfd(-1, &mask, Int32(SFD_CLOEXEC | SFD_NONBLOCK))
    }

    func recordStartFailure(_ reason: String) {
        try? run.write(AgentExitRecord(runID: spec.runID, agentPid: nil, code: nil, signal: nil, endedAt: wallNow(), error: reason), run.exit)
        if listener >= 0 { close(listener); unlinkOwnSocket() }
    }

    // MARK: the loop

    func loop() {
        while !finished {
            var entries = pollSet()
            let rc = poll(&entries, nfds_t(entries.count), timeoutMilliseconds())
            if rc < 0 && errno != EINTR { break }
            for entry in entries where entry.revents != 0 { handle(entry) }
            releaseBacklog()
            if exitRecord == nil && pidfd < 0 { reapAgent() }
            reapOrphans()
            escalateKill()
        }
    }

    var finished: Bool {
        guard exitRecord != nil else { return false }
        let drained = (output < 0 && errors < 0) || wallNow() >= (lingerUntil ?? 0)
        return drained && (clientsServed || wallNow() >= (lingerUntil ?? 0) + Self.serveLimit)
    }

    func pollSet() -> [pollfd] {
        var set = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
        let reading = !holdsOutputBack
        if output >= 0 && reading { set.append(pollfd(fd: output, events: Int16(POLLIN), revents: 0)) }
        if errors >= 0 && reading { set.append(pollfd(fd: errors, events: Int16(POLLIN), revents: 0)) }
        if pidfd >= 0 && exitRecord == nil { set.append(pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)) }
        if signals >= 0 { set.append(pollfd(fd: signals, events: Int16(POLLIN), revents: 0)) }
        if input >= 0 && !pendingInput.isEmpty { set.append(pollfd(fd: input, events: Int16(POLLOUT), revents: 0)) }
        for (fd, client) in clients { set.append(pollfd(fd: fd, events: Int16(client.unsent.isEmpty ? POLLIN : POLLIN | POLLOUT), revents: 0)) }
        return set
    }

    func timeoutMilliseconds() -> Int32 {
        var deadlines: [Double] = []
        if let killAt { deadlines.append(killAt) }
        if let lingerUntil { deadlines.append(lingerUntil) }
        if pidfd < 0 && exitRecord == nil { deadlines.append(wallNow() + 0.1) }
        // Held back for a slow client: look again whether it has stopped reading.
        if holdsOutputBack { deadlines.append(wallNow() + 0.5) }
        if let lingerUntil, !clientsServed { deadlines.append(lingerUntil + Self.serveLimit) }
        guard let next = deadlines.min() else { return -1 }
        return Int32(max(0, min(60_000, (next - wallNow()) * 1000)))
    }

    func handle(_ entry: pollfd) {
        switch entry.fd {
        case listener: acceptClients()
        case output: readOutput(limit: 16)
        case errors: readOutput(from: .err, limit: 16)
        case pidfd: reapAgent()
        case signals: terminationRequested()
        case input: flushInput()
        default:
            if entry.revents & Int16(POLLOUT) != 0 { pump(entry.fd) }
            if entry.revents & ~Int16(POLLOUT) != 0, clients[entry.fd] != nil { readClient(entry.fd) }
        }
    }

    // MARK: the agent

    /// Copies what the agent wrote into the log and to the clients that follow it; at most
    /// `limit` reads at a time so requests are answered while an agent floods.
    func readOutput(from stream: KeeperMessage.Stream = .out, limit: Int = .max) {
        let fd = stream == .out ? output : errors
        guard fd >= 0 else { return }
        for _ in 0..<limit {
            let n = outputBuffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                outputBuffer.withUnsafeBytes { raw in
                    let piece = UnsafeRawBufferPointer(rebasing: raw[0..<n])
                    log.append(piece)
                    backlog.append(piece, stream)
                }
                pumpAll()
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && errno == EAGAIN { return }
            close(fd)
            if stream == .out { output = -1 } else { errors = -1 }
            return
        }
    }

    func reapAgent() {
        var status: Int32 = 0
        let rc = waitpid(agentPid, &status, WNOHANG)
        guard rc == agentPid else { return }
        if pidfd >= 0 { close(pidfd); pidfd = -1 }
        // Everything the agent wrote before it ended is in the pipe now: log it first, so
        // the log is complete by the time its status is known.
        readOutput()
        readOutput(from: .err)
        if spec.terminalSession != nil { logLastScreen() }
        let (code, signal) = endStatus(status)
        let record = AgentExitRecord(runID: spec.runID, agentPid: agentPid, code: code, signal: signal, endedAt: wallNow(), error: nil)
        try? run.write(record, run.exit)
        exitRecord = record
        killAt = nil
        lingerUntil = wallNow() + Self.linger
        if input >= 0 { close(input); input = -1 }
        askLeftoversToEnd()
        pumpAll()
    }

    func terminationRequested() {
        var info = signalfd_siginfo()
        while read(signals, &info, MemoryLayout<signalfd_siginfo>.size) > 0 {}
        terminate(grace: 2)
    }

    func terminate(grace: Double) {
        guard exitRecord == nil else { return }
        signalAgent(SIGTERM)
        killAt = wallNow() + grace
    }

    func escalateKill() {
        guard let killAt, exitRecord == nil, wallNow() >= killAt else { return }
        Glibc.kill(-agentPid, SIGKILL)
        Glibc.kill(agentPid, SIGKILL)
        self.killAt = nil
    }

    func flushInput() {
        while input >= 0 && !pendingInput.isEmpty {
            let n = pendingInput.withUnsafeBytes { write(input, $0.baseAddress, $0.count) }
            if n > 0 { pendingInput.removeFirst(n); continue }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && errno == EAGAIN { return }
            pendingInput = []
        }
    }

    // MARK: clients

    func acceptClients() {
        while let fd = UnixSocket.accept(listener) { clients[fd] = Client() }
    }

    func readClient(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 16384)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 && (errno == EAGAIN || errno == EINTR) { return }
        guard n > 0, let lines = buffer.withUnsafeBytes({ clients[fd]?.lines.take(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }) else {
            return dropClient(fd)
        }
        for line in lines {
            guard let request = JSONLine.decode(KeeperRequest.self, line) else {
                send(fd, .reply(ok: false, error: "not a keeper request"))
                continue
            }
            answer(request, from: fd)
        }
    }

    func answer(_ request: KeeperRequest, from fd: Int32) {
        switch request.op {
        case .watch:
            clients[fd]?.watching = true
            clients[fd]?.output = request.output ?? false
            if request.output == true { followerCame = true }
            // From the place asked for (as far back as the backlog holds), or from now on.
            clients[fd]?.next = request.from ?? backlog.end
            send(fd, .reply(ok: true, agentPid: agentPid, exit: exitRecord))
        case .status:
            send(fd, .reply(ok: true, agentPid: agentPid, exit: exitRecord))
        case .signal:
            let sig = request.signal ?? SIGTERM
            let sent = exitRecord == nil && signalAgent(sig)
            send(fd, .reply(ok: sent, error: sent ? nil : "the agent has ended"))
        case .terminate:
            terminate(grace: request.grace ?? 2)
            send(fd, .reply(ok: true, agentPid: agentPid, exit: exitRecord))
        case .closeInput:
            if input >= 0 { close(input); input = -1 }
            send(fd, .reply(ok: true))
        case .input:
            guard input >= 0 else { return send(fd, .reply(ok: false, error: exitRecord == nil ? "the agent's input is closed" : "the agent has ended")) }
            pendingInput.append(contentsOf: Array((request.text ?? "").utf8))
            flushInput()
            send(fd, .reply(ok: true))
        }
    }

    func finish() {
        killLeftovers()
        for fd in clients.keys { close(fd) }
        clients = [:]
        close(listener)
        unlinkOwnSocket()
        log.finish()
    }
}

extension Keeper {
    /// Removes the socket file if it is still the one this keeper made.
    func unlinkOwnSocket() {
        var st = stat()
        guard stat(run.socket, &st) == 0, st.st_ino == socketInode else { return }
        unlink(run.socket)
    }
}

func setNonBlocking(_ fd: Int32) {
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
}
