import Foundation
import PlanDocument
import XCTest

/// The result of one `factory` child process.
struct CLIResult: Sendable {
    var arguments: [String]
    var status: Int32
    var stdout: String
    var stderr: String

    /// For assertion messages.
    var summary: String {
        "factory \(arguments.joined(separator: " ")) → exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)"
    }
}

enum CLIHarnessError: Error, CustomStringConvertible {
    case missingBinary(String)
    case timedOut([String])
    case missingTool(String)

    var description: String {
        switch self {
        case .missingBinary(let path):
            return "the factory binary is not at \(path); build it first (swift build --build-tests)"
        case .timedOut(let args):
            return "factory \(args.joined(separator: " ")) did not exit within the deadline"
        case .missingTool(let name):
            return "\(name) is not installed"
        }
    }
}

/// What a test throws when a tool it needs is not installed: a skip on a developer's
/// machine, a failure under CI (`CI=true`), where every tool is installed and a skipped
/// test would pass unseen.
func missingTool(_ name: String, file: StaticString = #filePath, line: UInt = #line) -> Error {
    let why = "\(name) is not installed"
    guard ProcessInfo.processInfo.environment["CI"] == "true" else { return XCTSkip(why) }
    XCTFail("\(why), and CI needs every test to run", file: file, line: line)
    return CLIHarnessError.missingTool(name)
}

/// Runs the real, built `factory` executable.
enum Factory {
    /// `<directory of this test process>/factory`: the xctest bundle sits beside it in
    /// `.build/<config>/`.
    static let binaryPath: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("factory").path
    }()

    static func checkBinary() throws {
        guard FileManager.default.isExecutableFile(atPath: binaryPath) else { throw CLIHarnessError.missingBinary(binaryPath) }
    }

    /// Runs `factory args…` to completion with stdin from /dev/null, capturing stdout and
    /// stderr into files under `scratch` (files rather than pipes, so a sibling spawned
    /// concurrently can never hold a pipe open and delay EOF).
    static func run(_ args: [String], cwd: String? = nil, scratch: String, deadline: Double = 120) throws -> CLIResult {
        try checkBinary()
        let tag = UUID().uuidString
        let outPath = "\(scratch)/\(tag).out", errPath = "\(scratch)/\(tag).err"
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        defer {
            try? out.close()
            try? err.close()
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: binaryPath)
        process.arguments = args
        if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        guard exited.wait(timeout: .now() + deadline) == .success else {
            process.terminate()
            throw CLIHarnessError.timedOut(args)
        }
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return CLIResult(arguments: args, status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}

/// A test case with its own temporary project: `<tmp>/.agent-comms/PLAN.md` made from the
/// template, and a scratch directory for captured output.
class FactoryTestCase: XCTestCase {
    var root = ""
    var planPath = ""
    var scratch = ""

    override func setUpWithError() throws {
        try super.setUpWithError()
        try Factory.checkBinary()
        root = (NSTemporaryDirectory() as NSString).appendingPathComponent("factory-cli-\(UUID().uuidString)")
        scratch = root + "/scratch"
        let comms = root + "/.agent-comms"
        try FileManager.default.createDirectory(atPath: comms, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        planPath = comms + "/PLAN.md"
        try writePlan(Array(PlanTemplate.text().utf8))
    }

    override func tearDownWithError() throws {
        if !root.isEmpty { try? FileManager.default.removeItem(atPath: root) }
        try super.tearDownWithError()
    }

    @discardableResult
    func factory(_ args: String..., cwd: String? = nil) throws -> CLIResult {
        try Factory.run(args, cwd: cwd, scratch: scratch)
    }

    func factory(_ args: [String], cwd: String? = nil) throws -> CLIResult {
        try Factory.run(args, cwd: cwd, scratch: scratch)
    }

    /// Runs and demands exit 0.
    @discardableResult
    func ok(_ args: String..., cwd: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> CLIResult {
        let r = try Factory.run(args, cwd: cwd, scratch: scratch)
        XCTAssertEqual(r.status, 0, r.summary, file: file, line: line)
        return r
    }

    func planBytes() throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: planPath)))
    }

    func writePlan(_ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: planPath))
    }

    func document() throws -> PlanDocument { PlanDocument(bytes: try planBytes()) }

    /// A one-line error on stderr that mentions `mentioning`.
    func assertOneLine(_ stderr: String, mentioning: String, _ r: CLIResult, file: StaticString = #filePath, line: UInt = #line) {
        let text = stderr.trimmingCharacters(in: .newlines)
        XCTAssertFalse(text.isEmpty, "no error message: \(r.summary)", file: file, line: line)
        XCTAssertFalse(text.contains("\n"), "the error is more than one line: \(r.summary)", file: file, line: line)
        XCTAssertTrue(text.contains(mentioning), "the error does not mention \(mentioning): \(r.summary)", file: file, line: line)
    }

    /// `factory plan --json` parsed.
    func planJSON(cwd: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let args = cwd == nil ? ["plan", "--json", "--file", planPath] : ["plan", "--json"]
        let r = try factory(args, cwd: cwd)
        XCTAssertEqual(r.status, 0, r.summary, file: file, line: line)
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
        return try XCTUnwrap(object as? [String: Any], "plan --json did not print an object: \(r.stdout)", file: file, line: line)
    }
}

/// Lines split on LF, without the separator (a CR stays on its line).
func lfLines(_ bytes: [UInt8]) -> [[UInt8]] {
    bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
}

/// A thread-safe value for the concurrency tests.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func with<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
    var get: Value { with { $0 } }
}

extension FactoryTestCase {
    /// What `git -C DIRECTORY ARGS…` prints on stdout.
    func git(in directory: String, _ args: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory] + args
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// A git repository with one commit and a factory of simulated agents (`init --preset sim`).
    func makeSimRepo(preset: String = "sim", file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let repo = root + "/repo"
        try FileManager.default.createDirectory(atPath: repo, withIntermediateDirectories: true)
        for args in [["init", "-q", "-b", "main"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "first"]] {
            let git = Process()
            git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            git.arguments = ["git", "-C", repo] + args
            git.standardOutput = FileHandle.nullDevice
            try git.run()
            git.waitUntilExit()
            XCTAssertEqual(git.terminationStatus, 0, "git \(args.joined(separator: " "))", file: file, line: line)
        }
        try ok("init", "--preset", preset, cwd: repo)
        return repo
    }

    /// `factory run --headless ARGUMENTS` in `repo`, with `environment` added to this
    /// process's, returned once it drives.
    func startDriver(in repo: String, arguments: [String] = [], environment: [String: String] = [:],
                     file: StaticString = #filePath, line: UInt = #line) throws -> Process {
        let driver = Process()
        driver.executableURL = URL(fileURLWithPath: Factory.binaryPath)
        driver.arguments = ["run", "--headless"] + arguments
        if !environment.isEmpty { driver.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        driver.currentDirectoryURL = URL(fileURLWithPath: repo)
        driver.standardInput = FileHandle.nullDevice
        driver.standardOutput = FileHandle.nullDevice
        driver.standardError = FileHandle.nullDevice
        try driver.run()
        let deadline = Date().addingTimeInterval(10)
        while !(try factory(["events"], cwd: repo).stdout.contains("engine_started")) {
            guard Date() < deadline else {
                XCTFail("the driver never started", file: file, line: line)
                throw CLIHarnessError.timedOut(["run", "--headless"])
            }
            usleep(20_000)
        }
        return driver
    }
}
