import Dispatch
import Foundation
import PlanDocument
import PlanDocument
#if canImport(Glibc)
import Glibc
#endif

/// One request to a keeper and its reply.
enum KeeperClient {
    static func ask(_ socket: String, _ request: KeeperRequest, timeout: Double = 5) throws(SocketError) -> KeeperMessage {
        let fd = try UnixSocket.connect(to: socket)
        defer { close(fd) }
        var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        guard writeAll(fd, JSONLine.encode(request)) else { throw SocketError("cannot write to \(socket): \(errnoText())") }
        var lines = LineBuffer()
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw SocketError("no answer from \(socket)") }
            guard let got = buffer.withUnsafeBytes({ lines.take(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }) else {
                throw SocketError("garbled answer from \(socket)")
            }
            for line in got {
                if let message = JSONLine.decode(KeeperMessage.self, line), message.kind == .reply { return message }
            }
        }
    }
}

/// A standing connection to a keeper: `watch`, then wait for the agent's exit. `ended` is
/// called once, with the exit message, or nil when the connection closed without one.
final class KeeperWatch: @unchecked Sendable {
    private let source: DispatchSourceRead
    /// An output message carries up to 1 MiB of the agent's bytes, base64: room for it.
    private var lines = LineBuffer(limit: 8 << 20)
    private var ended: ((KeeperMessage?) -> Void)?
    private let output: ((Data) -> Void)?

    /// With `output`, the agent's stdout comes too, piece by piece, as it writes it — from
    /// its first byte with `fromStart`, else from now on.
    init?(socket: String, queue: DispatchQueue, output: ((Data) -> Void)? = nil, fromStart: Bool = false, ended: @escaping (KeeperMessage?) -> Void) {
        guard let fd = try? UnixSocket.connect(to: socket) else { return nil }
        self.output = output
        let request = KeeperRequest(op: .watch, output: output != nil, from: output != nil && fromStart ? 0 : nil)
        guard writeAll(fd, JSONLine.encode(request)) else {
            close(fd)
            return nil
        }
        setNonBlocking(fd)
        self.ended = ended
        source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        source.setEventHandler { [weak self] in self?.readable(fd) }
        source.setCancelHandler { close(fd) }
        source.resume()
    }

    private func readable(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && (errno == EAGAIN || errno == EINTR) { return }
            guard n > 0, let got = buffer.withUnsafeBytes({ lines.take(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }) else {
                return finish(nil)
            }
            for line in got {
                guard let message = JSONLine.decode(KeeperMessage.self, line) else { continue }
                if message.kind == .exit { return finish(message) }
                if message.kind == .output, message.stream != .err, let data = message.data { output?(data) }
            }
        }
    }

    private func finish(_ message: KeeperMessage?) {
        source.cancel()
        let call = ended
        ended = nil
        call?(message)
    }

    /// Stops watching without reporting anything.
    func cancel() {
        ended = nil
        source.cancel()
    }
}
