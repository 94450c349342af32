import Foundation
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
        sign(fd)
        return fd
    }

    /// Waits, blocking this thread, until the lock is free, then takes it.
    public static func wait(_ path: String) -> Int32? {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { close(fd); return nil }
        }
        sign(fd)
        return fd
    }

    /// The holder writes its pid in the file, for `factory status` to name.
    private static func sign(_ fd: Int32) {
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    /// The pid of the process that drives, or nil when none does.
    public static func holder(_ path: String) -> Int32? {
        guard isHeld(path), let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    public static func isHeld(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { flock(fd, LOCK_UN); return false }
        return true
    }
}
