import CLibc
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the keeper sends its clients: replies, the agent's output and its exit, each
/// client's in order and at its own pace. A client that reads slowly is sent every byte
/// (the agent is held back while the backlog is full); one that stops reading altogether
/// is skipped ahead after a while — the keeper never waits long for a reader, and the log
/// holds everything anyway.
extension Keeper {
    /// How long a client may take nothing while the backlog is full before it is skipped.
    static let patienceWithReaders = 5.0
    /// How long after the agent's end the keeper stays to finish sending to its clients.
    static let serveLimit = 10.0
    /// Bytes of output in one message (base64 in a JSON line): small enough for the engine
    /// to decode between two of its other tasks.
    static let pieceSize = 128 << 10

    /// Replies a client has not taken past which it is dropped (one that asks and never reads).
    static let unsentLimit = 4 << 20

    /// Queues `message` for the client and sends what the socket takes now.
    func send(_ fd: Int32, _ message: KeeperMessage) {
        guard let client = clients[fd] else { return }
        guard client.unsent.count < Self.unsentLimit else { return dropClient(fd) }
        clients[fd]?.unsent += JSONLine.encode(message)
        pump(fd)
    }

    /// Sends the client what it is owed — its queued messages, then the output it has not
    /// had, then the agent's exit — until its socket is full.
    func pump(_ fd: Int32) {
        guard var client = clients[fd] else { return }
        while true {
            if !client.unsent.isEmpty {
                let n = client.unsent.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
                if n > 0 {
                    client.unsent.removeFirst(n)
                    client.lastProgress = wallNow()
                    continue
                }
                if n < 0 && (errno == EAGAIN || errno == EINTR) { break }
                return dropClient(fd)
            }
            if client.output, let piece = backlog.piece(from: client.next, limit: Self.pieceSize) {
                client.unsent = JSONLine.encode(KeeperMessage(kind: .output, data: Data(piece.bytes), stream: piece.stream))
                client.next = piece.next
            } else if client.watching, !client.exitSent, let exitRecord {
                // Its exit comes after all of its output.
                client.unsent = JSONLine.encode(KeeperMessage(kind: .exit, exit: exitRecord))
                client.exitSent = true
                if client.output { exitDelivered = true }
            } else {
                break
            }
        }
        clients[fd] = client
    }

    func pumpAll() {
        for fd in clients.keys { pump(fd) }
        releaseBacklog()
    }

    /// The backlog keeps what an output client still needs; a client that has taken
    /// nothing for a while when the backlog is full is skipped to the newest output.
    func releaseBacklog() {
        if backlog.isFull {
            let now = wallNow()
            for (fd, client) in clients where client.output && client.next < backlog.end && now - client.lastProgress > Self.patienceWithReaders {
                clients[fd]?.next = backlog.end
            }
        }
        backlog.release(before: clients.values.filter(\.output).map(\.next).min())
    }

    /// Reading the agent's output waits while the backlog is full of what a client still
    /// needs — or, for an agent an engine follows, until that engine has come (a while at
    /// most): the agent's writes wait on its pipe, as for any slow reader.
    var holdsOutputBack: Bool {
        guard backlog.isFull else { return false }
        let awaited = spec.followed == true && !followerCame && wallNow() - began < Self.patienceWithReaders
        return awaited || clients.values.contains { $0.output && $0.next < backlog.end }
    }

    /// Every watching client has had the agent's exit — and the engine that follows the
    /// output has come for it (an agent that ends at once is not gone before it connects).
    var clientsServed: Bool {
        clients.values.allSatisfy { !$0.watching || ($0.exitSent && $0.unsent.isEmpty) } && (spec.followed != true || exitDelivered)
    }

    func dropClient(_ fd: Int32) {
        guard clients.removeValue(forKey: fd) != nil else { return }
        close(fd)
    }
}
