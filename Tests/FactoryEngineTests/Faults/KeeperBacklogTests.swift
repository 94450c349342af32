@testable import FactoryEngine
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// The keeper's backlog of output for clients that follow it: every byte, in order, from
/// where each client stands, and never more than it must hold.
final class KeeperBacklogTests: FaultTestCase {
    func append(_ backlog: inout OutputBacklog, _ text: String, _ stream: KeeperMessage.Stream = .out) {
        Array(text.utf8).withUnsafeBytes { backlog.append($0, stream) }
    }

    func testPiecesFollowInOrderFromAnyPlace() {
        var backlog = OutputBacklog(capacity: 1 << 20)
        append(&backlog, "hello ")
        append(&backlog, "world\n")
        append(&backlog, "oops\n", .err)
        XCTAssertEqual(backlog.end, 17)
        let first = backlog.piece(from: 0, limit: 100)
        XCTAssertEqual(first.map { String(decoding: $0.bytes, as: UTF8.self) }, "hello world\n", "small pieces of a stream join")
        XCTAssertEqual(first?.next, 12)
        XCTAssertEqual(backlog.piece(from: 3, limit: 4).map { String(decoding: $0.bytes, as: UTF8.self) }, "lo w")
        XCTAssertEqual(backlog.piece(from: 12, limit: 100)?.stream, .err)
        XCTAssertNil(backlog.piece(from: 17, limit: 100), "nothing new")
    }

    func testWhatAClientNeedsIsKeptAndTheRestBounded() {
        var backlog = OutputBacklog(capacity: 100)
        for _ in 0..<3 { Array(repeating: UInt8(ascii: "x"), count: OutputBacklog.joinBelow).withUnsafeBytes { backlog.append($0, .out) } }
        backlog.release(before: 0)
        XCTAssertEqual(backlog.start, 0, "a client at 0 keeps everything, past the capacity")
        XCTAssertTrue(backlog.isFull)
        backlog.release(before: OutputBacklog.joinBelow + 10)
        XCTAssertEqual(backlog.start, OutputBacklog.joinBelow, "only whole chunks before the client go")
        backlog.release(before: nil)
        XCTAssertEqual(backlog.start, 2 * OutputBacklog.joinBelow, "with no client, the newest capacity's worth is kept")
        XCTAssertEqual(backlog.piece(from: 0, limit: 10)?.next, 2 * OutputBacklog.joinBelow + 10, "a client behind it resumes at the oldest byte held")
    }

    /// A client that connects after the agent has spoken, asking from the first byte, and
    /// reads slowly: it gets every byte in order, then the exit.
    func testALateSlowClientGetsEveryByteThenTheExit() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        let paths = WorkspacePaths(root: repo.path)
        try FileManager.default.createDirectory(atPath: paths.logs, withIntermediateDirectories: true)
        let supervisor = AgentSupervisor(engineQueue: DispatchQueue(label: "test"), paths: paths, factoryPath: SimFactory.factoryBinary) { _ in }
        let script = "seq 1 200000; echo > \"$1/said\"; while [ ! -e \"$1/go\" ]; do sleep 0.05; done; echo end"
        _ = try supervisor.spawn(role: "builder", argv: ["sh", "-c", script, "sh", stage.folder], directory: repo.path, environment: [:],
                                 watch: false, readsOutput: true)
        XCTAssertTrue(eventually(10) { FileManager.default.fileExists(atPath: stage.folder + "/said") })
        let fd = try UnixSocket.connect(to: paths.run("builder").socket)
        defer { close(fd) }
        XCTAssertTrue(writeAll(fd, JSONLine.encode(KeeperRequest(op: .watch, output: true, from: 0))))
        var limit = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var lines = LineBuffer(limit: 8 << 20)
        var output = Data(), exit: AgentExitRecord?, outputAfterExit = false
        var buffer = [UInt8](repeating: 0, count: 4096)
        var reads = 0
        while exit == nil {
            let n = read(fd, &buffer, buffer.count)
            guard n > 0 else { break }
            reads += 1
            if reads % 50 == 0 { usleep(1_000) }
            if reads == 20 { FileManager.default.createFile(atPath: stage.folder + "/go", contents: nil) }
            for line in buffer.withUnsafeBytes({ lines.take(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }) ?? [] {
                guard let message = JSONLine.decode(KeeperMessage.self, line) else { continue }
                if message.kind == .output, let data = message.data { output += data; outputAfterExit = exit != nil }
                if message.kind == .exit { exit = message.exit }
            }
        }
        let expected = (1...200_000).map { "\($0)\n" }.joined() + "end\n"
        XCTAssertEqual(output.count, expected.utf8.count)
        XCTAssertTrue(String(decoding: output, as: UTF8.self) == expected, "every byte, in order")
        XCTAssertEqual(exit?.code, 0, "then the exit")
        XCTAssertFalse(outputAfterExit)
    }
}
