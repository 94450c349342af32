#if canImport(Glibc)
import Glibc
#endif

/// The driving engine holds an exclusive lock on `.agent-comms/engine.lock` for its life, so
/// other `factory` processes know to send it commands instead of acting themselves.
public enum EngineLock {
    /// Takes the lock; nil when another engine holds it. The descriptor stays open.
    public static func acquire(_ path: String) -> Int32? {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 { close(fd); return nil }
        return fd
    }

    public static func isHeld(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { flock(fd, LOCK_UN); return false }
        return true
    }
}
