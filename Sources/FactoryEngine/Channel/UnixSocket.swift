#if canImport(Glibc)
import Glibc
#endif
import CLibc
import PlanDocument

/// Unix stream sockets in the factory's folders: the keepers' and the engine's.
///
/// A socket's path must fit `sun_path` (108 bytes); a repository deep in the file system can
/// pass that, so a long path is reached through `/proc/self/fd/N/NAME`, N being its folder
/// opened for the occasion.
public enum UnixSocket {
    /// Listens at `path`, replacing a stale socket file left by a process that died.
    public static func listen(at path: String, backlog: Int32 = 64) throws(SocketError) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError("cannot create a socket: \(errnoText())") }
        unlink(path)
        let rc = withAddress(path) { address, length in bind(fd, address, length) }
        guard rc == 0 else {
            let reason = errnoText()
            close(fd)
            throw SocketError("cannot listen at \(path): \(reason)")
        }
        guard Glibc.listen(fd, backlog) == 0 else {
            let reason = errnoText()
            close(fd)
            throw SocketError("cannot listen at \(path): \(reason)")
        }
        return fd
    }

    /// Connects to the socket at `path`; the descriptor is blocking.
    public static func connect(to path: String) throws(SocketError) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError("cannot create a socket: \(errnoText())") }
        var rc: Int32
        repeat { rc = withAddress(path) { address, length in Glibc.connect(fd, address, length) } } while rc != 0 && errno == EINTR
        guard rc == 0 else {
            let reason = errnoText()
            close(fd)
            throw SocketError("cannot connect to \(path): \(reason)")
        }
        return fd
    }

    /// Accepts one waiting client (non-blocking, close-on-exec), or nil.
    public static func accept(_ listener: Int32) -> Int32? {
        let fd = accept4(listener, nil, nil, Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue))
        return fd >= 0 ? fd : nil
    }

    private static func withAddress(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        var folder: Int32 = -1
        var target = path
        if path.utf8.count >= 100, let slash = path.lastIndex(of: "/") {
            folder = open(String(path[..<slash]), factory_open_path | O_DIRECTORY | O_CLOEXEC)
            if folder >= 0 { target = "/proc/self/fd/\(folder)/\(path[path.index(after: slash)...])" }
        }
        defer { if folder >= 0 { close(folder) } }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(target.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { errno = ENAMETOOLONG; return -1 }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }
}

public struct SocketError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Writes every byte, retrying short writes and interruptions; false on any other error.
/// A socket whose peer has gone (a keeper that just exited) is an error, not a SIGPIPE
/// that would kill the dashboard: sockets are written with MSG_NOSIGNAL, pipes with write.
@discardableResult
func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    guard !bytes.isEmpty else { return true }
    return bytes.withUnsafeBytes { raw in
        var done = 0
        var socket = true
        while done < raw.count {
            var n = socket ? send(fd, raw.baseAddress! + done, raw.count - done, Int32(MSG_NOSIGNAL)) : -1
            if n < 0, errno == ENOTSOCK || !socket {
                socket = false
                n = write(fd, raw.baseAddress! + done, raw.count - done)
            }
            if n < 0 { if errno == EINTR { continue }; return false }
            done += n
        }
        return true
    }
}
