@testable import FactoryEngine
import Foundation
import XCTest

/// A confined agent under its real keeper: how it ends, how it is stopped, what it leaves.
/// The keeper knows bwrap's pid, not the agent's; these say the agent is kept as well as an
/// unconfined one.
final class SandboxKeeperTests: XCTestCase {
    override func setUpWithError() throws { try requireSandbox() }

    private final class Ends: @unchecked Sendable {
        var exit: AgentSupervisor.Exit?
        let ended = DispatchSemaphore(value: 0)
    }

    /// A supervisor of keepers in a fresh repository, the sandbox writing only that repository.
    private func supervisor() throws -> (AgentSupervisor, WorkspacePaths, SandboxSpec, Ends) {
        let repo = try TempRepo()
        addTeardownBlock { repo.remove() }
        let paths = WorkspacePaths(root: repo.path)
        try FileManager.default.createDirectory(atPath: paths.logs, withIntermediateDirectories: true)
        let ends = Ends()
        let supervisor = AgentSupervisor(engineQueue: DispatchQueue(label: "test"), paths: paths, factoryPath: SimFactory.factoryBinary) { exit in
            ends.exit = exit
            ends.ended.signal()
        }
        let spec = SandboxSpec(program: try XCTUnwrap(SandboxSupport.current.program), mounts: [.init(.writable, repo.path)])
        return (supervisor, paths, spec, ends)
    }

    private func log(_ paths: WorkspacePaths) -> String {
        (try? String(contentsOfFile: paths.logs + "/builder.log", encoding: .utf8)) ?? ""
    }

    /// Its exit status is its own (not bwrap's); a signal that ends it is a signal; a program
    /// that is not there is a start failure, as without a sandbox.
    func testAConfinedAgentsEndIsItsOwn() throws {
        let (supervisor, paths, spec, ends) = try supervisor()
        _ = try supervisor.spawn(role: "builder", argv: ["sh", "-c", "echo inside; exit 3"], directory: paths.root, environment: [:], sandbox: spec)
        XCTAssertEqual(ends.ended.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(ends.exit?.status, 3)
        XCTAssertTrue(log(paths).contains("inside"))

        _ = try supervisor.spawn(role: "builder", argv: ["sh", "-c", "kill -KILL $$"], directory: paths.root, environment: [:], sandbox: spec)
        XCTAssertEqual(ends.ended.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(ends.exit?.signal, SIGKILL)
        XCTAssertNil(ends.exit?.status)

        XCTAssertThrowsError(try supervisor.spawn(role: "builder", argv: ["no-such-agent-program"], directory: paths.root, environment: [:], sandbox: spec)) {
            XCTAssertEqual("\($0)", "cannot start no-such-agent-program: No such file or directory")
        }
    }

    /// Stopped, it gets SIGTERM and its time to stop cleanly — bwrap, which has no handler,
    /// is spared the signal, so the sandbox does not vanish under it — and is on record as
    /// ended by it when it dies of it.
    func testAConfinedAgentStopsCleanlyOnSIGTERM() throws {
        let (supervisor, paths, spec, ends) = try supervisor()
        let script = "trap 'sleep 0.3; echo stopped cleanly; exit 0' TERM; echo ready; while :; do sleep 0.05; done"
        let started = try supervisor.spawn(role: "builder", argv: ["sh", "-c", script], directory: paths.root, environment: [:], sandbox: spec)
        XCTAssertTrue(eventually(5) { self.log(paths).contains("ready") })
        supervisor.terminate(role: "builder", pid: started.agentPid, grace: 5)
        XCTAssertEqual(ends.ended.wait(timeout: .now() + 10), .success)
        XCTAssertTrue(log(paths).contains("stopped cleanly"), log(paths))
        XCTAssertEqual(ends.exit?.status, 0)

        _ = try supervisor.spawn(role: "builder", argv: ["sh", "-c", "echo ready; exec sleep 60"], directory: paths.root, environment: [:], sandbox: spec)
        XCTAssertTrue(eventually(5) { self.log(paths).components(separatedBy: "ready").count == 3 })
        supervisor.terminate(role: "builder", pid: paths.run("builder").keeperRecord?.agentPid ?? 0, grace: 5)
        XCTAssertEqual(ends.ended.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(ends.exit?.signal, SIGTERM)
    }

    /// What it starts does not outlive it: children in its group, and one in a session of
    /// its own (setsid), end when it does.
    func testNothingAConfinedAgentStartsOutlivesIt() throws {
        let (supervisor, paths, spec, ends) = try supervisor()
        let script = "sleep 301 & setsid sleep 302 & echo started; sleep 0.2; exit 0"
        _ = try supervisor.spawn(role: "builder", argv: ["sh", "-c", script], directory: paths.root, environment: [:], sandbox: spec)
        XCTAssertEqual(ends.ended.wait(timeout: .now() + 10), .success)
        XCTAssertTrue(log(paths).contains("started"))
        let left = { ProcessTable.snapshot().filter { $0.command == "sleep 301" || $0.command == "sleep 302" } }
        XCTAssertTrue(eventually(5) { left().isEmpty }, "still running: \(left())")
    }
}
