@testable import FactoryEngine
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// Writing to a peer that has gone is an error the caller sees, never a SIGPIPE that kills
/// the process (a dashboard answering a keeper that just exited).
final class SocketWriteTests: XCTestCase {
    /// An engine stopped with Ctrl-Z still has its socket: the kernel takes the connection
    /// and the command, and nothing answers. The client gives up in its time and says why.
    func testAnEngineThatTakesTheCommandAndNeverAnswersIsAnErrorInTime() throws {
        let path = NSTemporaryDirectory() + "silent-\(UUID().uuidString.prefix(8)).sock"
        let listener = try UnixSocket.listen(at: path)
        defer { close(listener); unlink(path) }
        let started = Date()
        XCTAssertThrowsError(try CommandClient.send(.ping, to: path, timeout: 1)) {
            XCTAssertTrue("\($0)".contains("has not answered in 1 s: is it stopped (Ctrl-Z, SIGSTOP)?"), "\($0)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
    }

    func testAClosedPeerIsAnErrorNotASignal() {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds), 0)
        close(fds[1])
        XCTAssertFalse(writeAll(fds[0], Array(repeating: 0x61, count: 1 << 16)), "still alive, and told")
        close(fds[0])
    }

    func testAPipeIsWrittenToo() {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        XCTAssertTrue(writeAll(fds[1], Array("hello\n".utf8)))
        var buffer = [UInt8](repeating: 0, count: 16)
        XCTAssertEqual(read(fds[0], &buffer, 16), 6)
        close(fds[0])
        close(fds[1])
    }
}
