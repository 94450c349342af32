import FactoryEngine
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// The command socket under hostile clients: one that says nothing, floods of garbage, a
/// hundred at once, and the socket file a killed engine leaves behind. (A silent client and
/// a garbled line beside a working one: CommandChannelTests.)
final class SocketFaultTests: FactoryTestCase {
    private func socketPath(_ repo: String) -> String { repo + "/.agent-comms/engine.sock" }

    private func ping(_ repo: String) throws -> EngineAnswer {
        try CommandClient.send(.ping, to: socketPath(repo), timeout: 10)
    }

    /// A client that connects and sends nothing is let go once the server's patience is
    /// spent (about 5 s), and is answered by nothing but the end of the connection.
    func testASilentClientIsLetGoAfterItsPatience() throws {
        let repo = try makeSimRepo()
        let driver = try startDriver(in: repo)
        defer { driver.terminate() }
        let silent = try UnixSocket.connect(to: socketPath(repo))
        defer { close(silent) }
        let start = Date()
        XCTAssertTrue(try ping(repo).ok, "others are served meanwhile")
        var limit = timeval(tv_sec: 15, tv_usec: 0)
        setsockopt(silent, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var byte: UInt8 = 0
        let n = read(silent, &byte, 1)
        let waited = Date().timeIntervalSince(start)
        XCTAssertEqual(n, 0, "the server closed the connection (\(n < 0 ? String(cString: strerror(errno)) : "data"))")
        XCTAssertGreaterThan(waited, 3, "not before its patience")
        XCTAssertLessThan(waited, 10, "not much after it")
    }

    /// 10 MB of garbage on each of 4 connections, with no line end and with many: each is
    /// refused early (the server reads no more than a line's limit), the engine's memory
    /// does not grow with it, and the next command is answered.
    func testTenMegabytesOfGarbageAreRefusedWithBoundedMemory() throws {
        let repo = try makeSimRepo()
        let driver = try startDriver(in: repo)
        defer { driver.terminate() }
        XCTAssertTrue(try ping(repo).ok)
        let before = try residentKB(driver.processIdentifier)
        let path = socketPath(repo)
        let sent = Locked<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            var garbage = [UInt8](repeating: UInt8(ascii: "x"), count: 10 << 20)
            if i % 2 == 1 { for at in stride(from: 99, to: garbage.count, by: 100) { garbage[at] = 0x0A } }
            guard let fd = try? UnixSocket.connect(to: path) else { return sent.with { $0.append(-1) } }
            defer { close(fd) }
            var done = 0
            while done < garbage.count {
                let n = garbage.withUnsafeBytes { send(fd, $0.baseAddress! + done, $0.count - done, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { break }
                done += n
            }
            sent.with { $0.append(done) }
        }
        XCTAssertEqual(sent.get.count, 4)
        XCTAssertTrue(sent.get.allSatisfy { $0 >= 0 && $0 < 10 << 20 }, "the server stopped reading each flood early: \(sent.get)")
        XCTAssertTrue(try ping(repo).ok, "the next command is answered")
        let after = try residentKB(driver.processIdentifier)
        print("SocketFaultTests: engine RSS \(before) kB before 40 MB of garbage, \(after) kB after")
        XCTAssertLessThan(after - before, 16 * 1024, "memory stays bounded")
    }

    /// 100 clients connected at once, each sending its command only once all are in: every
    /// one is answered.
    func testAHundredClientsAtOnceAreAllAnswered() throws {
        let repo = try makeSimRepo()
        let driver = try startDriver(in: repo)
        defer { driver.terminate() }
        var clients: [Int32] = []
        defer { clients.forEach { close($0) } }
        for _ in 0..<100 { clients.append(try UnixSocket.connect(to: socketPath(repo))) }
        let line = Array(try JSONEncoder().encode(EngineCommand.ping)) + [0x0A]
        for fd in clients { XCTAssertEqual(line.withUnsafeBytes { send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }, line.count) }
        var answered = 0
        for fd in clients {
            var limit = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            var buffer = [UInt8](repeating: 0, count: 512)
            let n = read(fd, &buffer, buffer.count)
            guard n > 0, let answer = try? JSONDecoder().decode(EngineAnswer.self, from: Data(buffer[..<n].dropLast())) else { continue }
            if answer.ok && answer.message.hasPrefix("phase ") { answered += 1 }
        }
        XCTAssertEqual(answered, 100)
    }

    /// An engine killed with SIGKILL leaves its socket file: the next engine starts, takes
    /// the path over and answers. An engine that is alive is never displaced: a second one
    /// refuses to start and leaves the socket alone.
    func testAStaleSocketIsTakenOverAndALiveEngineIsNot() throws {
        let repo = try makeSimRepo()
        let path = socketPath(repo)
        let crashed = try startDriver(in: repo)
        kill(crashed.processIdentifier, SIGKILL)
        crashed.waitUntilExit()
        XCTAssertTrue(FileManager.default.fileExists(atPath: path), "the killed engine left its socket file")
        XCTAssertThrowsError(try UnixSocket.connect(to: path), "nobody listens on it")

        let driver = try startDriver(in: repo)
        defer { driver.terminate() }
        XCTAssertTrue(try ping(repo).ok, "the new engine answers on the old path")
        let inode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? UInt64)

        let second = try factory(["run", "--headless"], cwd: repo)
        XCTAssertEqual(second.status, 1)
        XCTAssertTrue(second.stderr.contains("another factory engine is driving"), second.stderr)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? UInt64, inode, "the socket is the live engine's still")
        XCTAssertTrue(try ping(repo).ok, "and it still answers")
        XCTAssertTrue(driver.isRunning)
    }

    private func residentKB(_ pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try XCTUnwrap(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? 0
    }
}
