#if canImport(Glibc)
import Glibc
#endif
import CLibc

/// Whole-file reads and crash-safe replacement, on file descriptors.
enum FileBytes {
    struct Identity: Equatable {
        var device: UInt64, inode: UInt64, size: Int64, modified: Int, modifiedNanos: Int
    }

    /// `followsLinks: false`: a file that is a symbolic link is refused, not read through.
    static func read(_ path: String, followsLinks: Bool = true) throws(PlanFileError) -> [UInt8] {
        // Non-blocking, so a named pipe in the file's place is refused below instead of
        // waiting forever for a writer (it changes nothing for a regular file).
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | (followsLinks ? 0 : O_NOFOLLOW))
        guard fd >= 0 else { throw .io("cannot read \(path): \(errnoText())") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .io("cannot stat \(path): \(errnoText())") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw .io("\(path) is not a regular file") }
        // One spare byte, so reading to EOF needs no second allocation. Read straight into
        // memory that nothing filled first, in huge pages where it can be: a 20 MB PLAN.md is
        // otherwise five thousand page faults.
        var filled = 0, failed = false, atEnd = false
        var bytes = [UInt8](unsafeUninitializedCapacity: Int(st.st_size) + 1) { buffer, count in
            adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            while filled < buffer.count {
                let n = Glibc.read(fd, buffer.baseAddress! + filled, buffer.count - filled)
                if n < 0, errno == EINTR { continue }
                if n <= 0 { (failed, atEnd) = (n < 0, n == 0); break }
                filled += n
            }
            count = filled
        }
        if failed { throw .io("cannot read \(path): \(errnoText())") }
        // The file may have grown while we read: keep reading until EOF.
        while !atEnd {
            if filled == bytes.count { bytes.append(contentsOf: repeatElement(0, count: max(4096, bytes.count / 2))) }
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io("cannot read \(path): \(errnoText())")
            }
            if n == 0 { atEnd = true }
            filled += n
        }
        bytes.removeLast(bytes.count - filled)
        return bytes
    }

    /// Asks for transparent huge pages over the 2 MB-aligned middle of a big buffer, before
    /// anything touches it.
    private static func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
        let huge = 2 << 20
        guard buffer.count >= 2 * huge, let base = buffer.baseAddress else { return }
        let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: base) + buffer.count) & ~(huge - 1)
        if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE) }
    }

    static func identity(_ path: String) throws(PlanFileError) -> Identity {
        var st = stat()
        guard stat(path, &st) == 0 else { throw .io("cannot stat \(path): \(errnoText())") }
        return Identity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
                        modified: Int(st.st_mtim.tv_sec), modifiedNanos: Int(st.st_mtim.tv_nsec))
    }

    /// Writes a temporary file beside `path`, fsyncs it, renames it over `path`, and
    /// fsyncs the directory: a reader sees the old file or the new one, never a mix.
    static func replace(_ path: String, with bytes: [UInt8]) throws(PlanFileError) {
        try replace(path, withRenamed: try writeTemporary(beside: path, bytes))
    }

    /// Puts `temp` (from `writeTemporary`) in `path`'s place if `path` is still the file that
    /// was read (`expected`); false, with `temp` gone and `path` left as it is, if another
    /// writer got there first. The two are swapped in one step and the file taken out is
    /// looked at: a write that lands between the last look and the swap (a writer that takes
    /// no lock: an editor, an agent's `>>`) goes back in place instead of being lost.
    static func replace(_ path: String, withTemporary temp: String, ifStill expected: Identity) throws(PlanFileError) -> Bool {
        guard (try? identity(path)) == expected else { unlink(temp); return false }
        guard factory_exchange_paths(temp, path) == 0 else {
            let failure = errno
            guard [EINVAL, ENOSYS, EXDEV, EOPNOTSUPP].contains(failure) else {
                let reason = String(cString: strerror(failure))
                unlink(temp)
                throw .io("cannot rename \(temp) over \(path): \(reason)")
            }
            // A kernel or file system that cannot swap (some overlay and network file
            // systems): a plain rename, right after the look.
            try replace(path, withRenamed: temp)
            return true
        }
        defer { syncDirectory(of: path) }
        guard (try? identity(temp)) != expected else {
            unlink(temp)
            return true
        }
        // Someone else's write was swapped out: it goes back, and the edit is made again on
        // it (two outside writes within these microseconds could still lose the second;
        // those writers race each other). Should the swap back fail, ours stays in place —
        // not applied twice — and theirs stays beside it, not deleted.
        guard factory_exchange_paths(temp, path) == 0 else { return true }
        unlink(temp)
        return false
    }

    private static func replace(_ path: String, withRenamed temp: String) throws(PlanFileError) {
        guard rename(temp, path) == 0 else {
            let reason = errnoText()
            unlink(temp)
            throw .io("cannot rename \(temp) over \(path): \(reason)")
        }
        syncDirectory(of: path)
    }

    /// A new file beside `path` (same mode) holding `bytes`, fsynced; its path.
    static func writeTemporary(beside path: String, _ bytes: [UInt8]) throws(PlanFileError) -> String {
        let dir = directory(of: path)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let temp = "\(dir)/.\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        var mode: mode_t = 0o644
        var st = stat()
        if stat(path, &st) == 0 { mode = st.st_mode & 0o7777 }
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .io("cannot create \(temp): \(errnoText())") }
        defer { close(fd) }
        fchmod(fd, mode)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = errnoText()
                unlink(temp)
                throw .io("cannot write \(temp): \(reason)")
            }
            written += n
        }
        guard fsync(fd) == 0 else {
            let reason = errnoText()
            unlink(temp)
            throw .io("cannot fsync \(temp): \(reason)")
        }
        return temp
    }

    private static func syncDirectory(of path: String) {
        let dfd = open(directory(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }

    /// The file a symbolic link at `path` leads to; `path` itself when it is no link (or a
    /// link that leads nowhere, which the write then reports).
    static func resolvingLink(_ path: String) -> String {
        var st = stat()
        guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK, let real = realpath(path, nil) else { return path }
        defer { free(real) }
        return String(cString: real)
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

/// Crash-safe whole-file replacement for the factory's other files (state, exit records):
/// the same temp file + fsync + rename as PLAN.md's writes.
public enum AtomicFile {
    public static func replace(_ path: String, with bytes: [UInt8]) throws(PlanFileError) {
        try FileBytes.replace(path, with: bytes)
    }
}
