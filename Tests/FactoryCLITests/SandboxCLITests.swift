import FactoryEngine
import Foundation
import XCTest

/// What `factory init` and `status` say of the sandbox: without bubblewrap, once and how to
/// fix it; a role that opts out, on its line and in the JSON.
final class SandboxCLITests: XCTestCase {
    private func repository() throws -> String {
        let dir = NSTemporaryDirectory() + "factory-sandbox-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        for args in [["init", "--quiet", "--initial-branch=main"], ["config", "user.email", "t@t"], ["config", "user.name", "t"],
                     ["commit", "--quiet", "--allow-empty", "-m", "first"]] {
            XCTAssertTrue(Git(dir).run(args).succeeded)
        }
        return dir
    }

    private func factory(_ args: [String], in dir: String, bwrap: String? = nil) -> ProcessResult {
        ProcessRunner.run([Factory.binaryPath] + args, in: dir, environment: bwrap.map { ["FACTORY_BWRAP": $0] } ?? [:])
    }

    /// No bubblewrap: init warns once with the fix, status says it and marks every agent,
    /// and the JSON says why.
    func testWithoutBubblewrapInitAndStatusSaySoAndHowToFixIt() throws {
        let dir = try repository()
        let missing = "/nonexistent/bwrap"
        let initialized = factory(["init", "--preset", "sim"], in: dir, bwrap: missing)
        XCTAssertEqual(initialized.status, 0, initialized.stderr)
        let warning = "agents are not confined: bubblewrap is not installed (apt-get install bubblewrap)"
        XCTAssertEqual(initialized.stderr.components(separatedBy: warning).count - 1, 1, initialized.stderr)
        let status = factory(["status"], in: dir, bwrap: missing).stdout
        XCTAssertTrue(status.contains("sandbox: \(warning)\n"), status)
        XCTAssertEqual(status.split(separator: "\n").filter { $0.hasSuffix("  unconfined") }.count, 6, status)
        let json = try JSONSerialization.jsonObject(with: Data(factory(["status", "--json"], in: dir, bwrap: missing).stdout.utf8)) as? [String: Any]
        let sandbox = json?["sandbox"] as? [String: Any]
        XCTAssertEqual(sandbox?["available"] as? Bool, false)
        XCTAssertEqual(sandbox?["warning"] as? String, warning)
        XCTAssertEqual((json?["agents"] as? [[String: Any]])?.compactMap { $0["sandbox"] as? String }, Array(repeating: "unavailable", count: 6))
    }

    /// With bubblewrap: init says nothing of it; a role with `sandbox: off` is the one marked.
    func testARoleThatOptsOutIsMarkedAndTheRestAreConfined() throws {
        guard SandboxSupport.current.program != nil else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { return XCTFail("bubblewrap is missing; CI installs it") }
            throw XCTSkip("bubblewrap is not installed")
        }
        let dir = try repository()
        let initialized = factory(["init", "--preset", "sim"], in: dir)
        XCTAssertFalse(initialized.stderr.contains("confined"), initialized.stderr)
        try "---\npreset: sim\nsandbox: off\n---\n# builder\n".write(toFile: dir + "/agents/builder.md", atomically: true, encoding: .utf8)
        let status = factory(["status"], in: dir).stdout
        XCTAssertFalse(status.split(separator: "\n").contains { $0.hasPrefix("sandbox:") }, "no warning: \(status)")
        let marked = status.split(separator: "\n").filter { $0.contains("unconfined") }
        XCTAssertEqual(marked.count, 1, status)
        XCTAssertTrue(marked.first?.hasPrefix("  builder") ?? false, status)
        XCTAssertTrue(marked.first?.hasSuffix("  unconfined (sandbox: off)") ?? false, status)
        let json = try JSONSerialization.jsonObject(with: Data(factory(["status", "--json"], in: dir).stdout.utf8)) as? [String: Any]
        XCTAssertEqual((json?["sandbox"] as? [String: Any])?["available"] as? Bool, true)
        let agents = (json?["agents"] as? [[String: Any]]) ?? []
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: agents.map { ($0["role"] as? String ?? "", $0["sandbox"] as? String ?? "") }),
                       ["architect": "on", "builder": "off", "tester": "on", "reviewer": "on", "security": "on", "docwriter": "on"])
    }
}
