@testable import FactoryEngine
import Foundation
import XCTest

/// Sandbox tests need bubblewrap. Without it they are skipped on a developer's machine and
/// fail under CI (`CI=true`), which installs it: a missing tool must never pass for a pass.
func requireSandbox() throws {
    guard SandboxSupport.current.program == nil else { return }
    let why = SandboxSupport.current.warning ?? "bubblewrap is missing"
    if ProcessInfo.processInfo.environment["CI"] == "true" {
        XCTFail("\(why); CI must install bubblewrap (.ci/run does)")
        throw SandboxTestError.missingTool
    }
    throw XCTSkip(why)
}

enum SandboxTestError: Error { case missingTool }

/// Every one of the script's `attempt`s was refused, and the log says why.
func assertRefused(_ log: String, attempts: Int, saying reason: String? = nil, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertFalse(log.contains("SUCCEEDED"), log, file: file, line: line)
    XCTAssertEqual(log.components(separatedBy: "refused: ").count - 1, attempts, log, file: file, line: line)
    if let reason { XCTAssertTrue(log.contains(reason), log, file: file, line: line) }
}

/// A factory whose `role` runs a shell script as its agent, under the real keeper, started
/// by the real engine. The script lies in the factory's `.agent-comms` (which agents can
/// read) and starts with `ROOT` (the main checkout), `REALHOME` (the HOME the engine was
/// given, which stands for the user's) and `attempt CMD`: runs CMD and says in the log
/// whether it worked — `SUCCEEDED: CMD` or `refused: CMD`.
struct AttackFactory {
    let factory: SimFactory
    let engine: Engine
    let home: String
    var paths: WorkspacePaths { factory.paths }
    var root: String { factory.paths.root }

    /// Homes outside /tmp, as a user's is: under /tmp the sandbox's private /tmp would hide
    /// one, and an attack on it would fail for that reason alone. Not in the source tree
    /// either: a checkout may itself lie under /tmp (CI's clone does).
    static let homes = "/var/tmp/factory-test-homes-\(getuid())"

    init(test: XCTestCase) throws {
        factory = try SimFactory()
        home = "\(Self.homes)/\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home + "/.claude", withIntermediateDirectories: true)
        try "{\"hasCompletedOnboarding\": true}\n".write(toFile: home + "/.claude.json", atomically: true, encoding: .utf8)
        try "# the user's own\n".write(toFile: home + "/.bashrc", atomically: true, encoding: .utf8)
        try "[user]\n\tname = The User\n\temail = user@example.com\n".write(toFile: home + "/.gitconfig", atomically: true, encoding: .utf8)
        engine = try factory.engine(environment: ["HOME": home])
        let (factory, engine, home) = (factory, engine, home)
        test.addTeardownBlock {
            engine.shutdown()
            factory.remove()
            try? FileManager.default.removeItem(atPath: home)
        }
        engine.drive()
    }

    /// Runs `script` as `role`'s agent (idle pipeline: only it runs) until it ends; its log.
    @discardableResult
    func attack(_ role: String, _ script: String, front: String = "", timeout: Double = 30) throws -> String {
        let file = "\(paths.comms)/\(role)-agent.sh"
        let prologue = """
        ROOT='\(root)'; REALHOME='\(home)'; export ROOT REALHOME
        attempt() { if sh -c "$1" 2>&1; then echo "SUCCEEDED: $1"; else echo "refused: $1"; fi; }

        """
        try (prologue + script + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        try "---\ncommand: [\"sh\", \"\(file)\"]\nretries: 0\n\(front)---\n# \(role)\n".write(toFile: "\(paths.agents)/\(role).md", atomically: true, encoding: .utf8)
        try engine.spawn(role: role)
        guard waitFor(engine, timeout: timeout, { snap in snap.agent(role).map { !$0.state.isActive } ?? false }) != nil else {
            throw SandboxTestError.missingTool
        }
        return (try? String(contentsOfFile: "\(paths.logs)/\(role).log", encoding: .utf8)) ?? ""
    }

    func git(_ args: String...) -> String {
        Git(root).run(args).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
