#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `flock` on a lock file. The lock file stays: removing it would let two
/// writers lock two different files.
struct FileLock {
    let fd: Int32

    /// `followsLinks: false`: a lock file that is a symbolic link is refused, not followed.
    static func acquire(_ path: String, timeout: Double, followsLinks: Bool = true) throws(PlanFileError) -> FileLock {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | (followsLinks ? 0 : O_NOFOLLOW), 0o644)
        guard fd >= 0 else { throw .io("cannot open lock file \(path): \(errnoText())") }
        var waited = 0.0
        var pause = 0.001
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                close(fd)
                throw .io("cannot lock \(path): \(errnoText())")
            }
            if waited >= timeout {
                close(fd)
                throw .busy("PLAN.md is locked by another writer (\(path)) for over \(Int(timeout)) s")
            }
            usleep(UInt32(pause * 1_000_000))
            waited += pause
            pause = min(pause * 2, 0.01)
        }
        return FileLock(fd: fd)
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

/// The text of the last system error, for one-line messages.
public func errnoText() -> String { String(cString: strerror(errno)) }
