import CLibc
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The driving engine's door: `.agent-comms/engine.sock`. Each connection sends one command
/// as a JSON line and gets the engine's answer as a JSON line. A client that sends nothing,
/// or garbage, or more than a line's limit, costs a descriptor for a few seconds at most.
final class CommandServer: @unchecked Sendable {
    static let patience = 5.0

    private let listener: Int32
    private let path: String
    private let queue = DispatchQueue(label: "factory.commands")
    private let source: DispatchSourceRead
    private let perform: @Sendable (EngineCommand, Peer) -> EngineAnswer
    /// The socket file this server made (its inode), to remove that one and no other.
    private let bound: UInt64?

    /// Who is at the other end of a connection, as the kernel recorded it when it connected.
    struct Peer: Sendable {
        var pid: Int32
        var uid: UInt32
    }

    init(path: String, perform: @escaping @Sendable (EngineCommand, Peer) -> EngineAnswer) throws(SocketError) {
        listener = try UnixSocket.listen(at: path)
        var st = stat()
        bound = stat(path, &st) == 0 ? UInt64(st.st_ino) : nil
        setNonBlocking(listener)
        self.path = path
        self.perform = perform
        source = DispatchSource.makeReadSource(fileDescriptor: listener, queue: queue)
        source.setEventHandler { [weak self] in self?.acceptAll() }
        source.resume()
    }

    /// Closes the door; the socket file goes too unless another engine has since opened its
    /// own at the same path (one that took over while this one was shutting down).
    func stop() {
        source.cancel()
        var there = stat()
        if let bound, stat(path, &there) == 0, UInt64(there.st_ino) == bound { unlink(path) }
        close(listener)
    }

    private func acceptAll() {
        while let fd = UnixSocket.accept(listener) { serve(fd) }
    }

    private func serve(_ fd: Int32) {
        var credentials = factory_peer()
        guard factory_peer_credentials(fd, &credentials) == 0 else { close(fd); return }
        let peer = Peer(pid: credentials.pid, uid: credentials.uid)
        let connection = Connection(fd: fd, queue: queue, peer: peer, perform: perform)
        queue.asyncAfter(deadline: .now() + Self.patience) { connection.giveUpUnlessAsked() }
    }
}

/// One client: reads one line, answers it, closes. The command runs off the server's queue,
/// so a slow command never holds up the next client.
private final class Connection: @unchecked Sendable {
    private let fd: Int32
    private let queue: DispatchQueue
    private let source: DispatchSourceRead
    private let peer: CommandServer.Peer
    private let perform: @Sendable (EngineCommand, CommandServer.Peer) -> EngineAnswer
    private var lines = LineBuffer(limit: 64 * 1024)
    private var asked = false
    private var closed = false

    init(fd: Int32, queue: DispatchQueue, peer: CommandServer.Peer, perform: @escaping @Sendable (EngineCommand, CommandServer.Peer) -> EngineAnswer) {
        self.fd = fd
        self.queue = queue
        self.peer = peer
        self.perform = perform
        source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        source.setEventHandler { [self] in readable() }
        source.setCancelHandler { close(fd) }
        source.resume()
    }

    private func readable() {
        var buffer = [UInt8](repeating: 0, count: 16384)
        let n = read(fd, &buffer, buffer.count)
        if n < 0 && (errno == EAGAIN || errno == EINTR) { return }
        guard n > 0, let got = buffer.withUnsafeBytes({ lines.take(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }) else {
            return finish(nil)
        }
        guard let line = got.first, !asked else { return }
        asked = true
        guard let command = JSONLine.decode(EngineCommand.self, line) else {
            return finish(EngineAnswer(ok: false, message: "not a factory command"))
        }
        source.suspend()
        let perform = self.perform, peer = self.peer
        DispatchQueue.global().async { [self] in
            let answer = perform(command, peer)
            queue.async { [self] in
                source.resume()
                finish(answer)
            }
        }
    }

    /// A client that never sent its line is let go.
    func giveUpUnlessAsked() {
        if !asked { finish(nil) }
    }

    private func finish(_ answer: EngineAnswer?) {
        guard !closed else { return }
        closed = true
        if let answer { writeAllBlocking(fd, JSONLine.encode(answer)) }
        source.cancel()
    }
}

/// Writes a short answer to a non-blocking socket, waiting briefly while it is full.
func writeAllBlocking(_ fd: Int32, _ bytes: [UInt8]) {
    var done = 0
    let deadline = monotonicNow() + 2
    while done < bytes.count && monotonicNow() < deadline {
        let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + done, $0.count - done, Int32(MSG_NOSIGNAL)) }
        if n > 0 { done += n; continue }
        if n < 0 && (errno == EAGAIN || errno == EINTR) {
            var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            _ = poll(&entry, 1, 100)
            continue
        }
        return
    }
}
