@testable import FactoryEngine
import Foundation
import XCTest

/// A role's next run started while its last keeper still lingers (finishing its agent's
/// leftovers): both keepers use the same socket path, and the one leaving must not take the
/// new one's socket with it — the engine would lose its way to the running agent.
final class KeeperRestartTests: XCTestCase {
    private final class Ends: @unchecked Sendable {
        let ended = DispatchSemaphore(value: 0)
    }

    func testALingeringKeeperLeavesTheNextRunsSocketAlone() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        let paths = WorkspacePaths(root: repo.path)
        try FileManager.default.createDirectory(atPath: paths.logs, withIntermediateDirectories: true)
        let ends = Ends()
        let supervisor = AgentSupervisor(engineQueue: DispatchQueue(label: "test"), paths: paths, factoryPath: SimFactory.factoryBinary) { _ in
            ends.ended.signal()
        }
        // Its agent ends at once, leaving a child that holds its output for a moment: the
        // keeper stays to log it.
        let first = try supervisor.spawn(role: "builder", argv: ["sh", "-c", "(trap '' TERM; sleep 1) & exit 0"], directory: repo.path, environment: [:])
        XCTAssertEqual(ends.ended.wait(timeout: .now() + 10), .success)
        let firstKeeper = try XCTUnwrap(paths.run("builder").keeperRecord?.keeperPid)
        let second = try supervisor.spawn(role: "builder", argv: ["sleep", "30"], directory: repo.path, environment: [:])
        defer { supervisor.terminate(role: "builder", pid: second.agentPid, grace: 0.1) }
        XCTAssertNotEqual(first.runID, second.runID)
        XCTAssertTrue(eventually(10) { kill(firstKeeper, 0) != 0 }, "the first keeper has gone")
        let reply = try KeeperClient.ask(paths.run("builder").socket, KeeperRequest(op: .status))
        XCTAssertEqual(reply.agentPid, second.agentPid, "the running agent's keeper still answers")
    }
}
