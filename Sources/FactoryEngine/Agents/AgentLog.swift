#if canImport(Glibc)
import Glibc
#endif

/// An agent's output file, `.agent-comms/logs/<role>.log`, capped in size: past the cap it
/// is renamed to `<role>.log.1` (replacing the older one) and a new file begins, so an agent
/// that floods output can never fill the disk.
final class AgentLog: @unchecked Sendable {
    let path: String
    let cap: Int
    private var fd: Int32
    private var size: Int

    init(path: String, cap: Int = 1 << 20) {
        self.path = path
        self.cap = cap
        fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        var st = stat()
        size = fstat(fd, &st) == 0 ? Int(st.st_size) : 0
    }

    /// Called only from the supervisor's output queue.
    func append(_ bytes: UnsafeRawBufferPointer) {
        guard fd >= 0, let base = bytes.baseAddress else { return }
        if size + bytes.count > cap && size > 0 { rotate() }
        var done = 0
        while done < bytes.count {
            let n = write(fd, base + done, bytes.count - done)
            if n < 0 { if errno == EINTR { continue }; return }
            done += n
        }
        size += bytes.count
    }

    /// A line of factory's own (the mark of a new attempt), on a line of its own even when
    /// the last run's output did not end with a newline.
    func mark(_ line: String) {
        var bytes = Array(line.utf8) + [0x0A]
        var last: UInt8 = 0x0A
        if size > 0, pread(fd, &last, 1, off_t(size - 1)) == 1, last != 0x0A { bytes.insert(0x0A, at: 0) }
        bytes.withUnsafeBytes { append($0) }
    }

    private func rotate() {
        Glibc.close(fd)
        rename(path, path + ".1")
        fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o644)
        size = 0
    }

    func finish() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }
}
