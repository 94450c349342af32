import Foundation
import PlanDocument
#if canImport(Glibc)
import Glibc
#endif

/// Sends one command to the driving engine and waits for its answer.
public enum CommandClient {
    /// The engine's answer; throws when no engine answers. `patience` covers an engine
    /// that holds the lock but is still opening its socket.
    /// `timeout` covers an engine that took the command and then does not answer: one stopped
    /// with Ctrl-Z or SIGSTOP accepts connections but runs nothing.
    public static func send(_ command: EngineCommand, to socket: String, patience: Double = 3, timeout: Double = 30) throws(SocketError) -> EngineAnswer {
        let deadline = monotonicNow() + patience
        var fd: Int32 = -1
        while fd < 0 {
            do { fd = try UnixSocket.connect(to: socket) } catch {
                guard monotonicNow() < deadline else { throw SocketError("the driving factory engine does not answer (\(error.description))") }
                usleep(20_000)
            }
        }
        defer { close(fd) }
        var limit = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        guard writeAll(fd, JSONLine.encode(command)) else { throw SocketError("cannot send to the driving factory engine: \(errnoText())") }
        var lines = LineBuffer()
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                throw SocketError("the driving factory engine has not answered in \(Int(timeout)) s: is it stopped (Ctrl-Z, SIGSTOP)? It may still carry the command out when it goes on")
            }
            guard n > 0 else { throw SocketError("the driving factory engine closed the connection without answering") }
            guard let got = buffer.withUnsafeBytes({ lines.take(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }) else {
                throw SocketError("garbled answer from the driving factory engine")
            }
            if let line = got.first, let answer = JSONLine.decode(EngineAnswer.self, line) { return answer }
        }
    }
}
