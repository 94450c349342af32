import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// `factory hook` as the agent CLI runs it: a child process with the event's JSON on stdin.
/// Whatever it is given, it exits 0, prints nothing, and is done in moments.
final class HookCommandTests: FactoryTestCase {
    private var run = ""
    private var signals: String { run + "/signals.jsonl" }

    override func setUpWithError() throws {
        try super.setUpWithError()
        run = root + "/.agent-comms/run/architect"
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        signal(SIGPIPE, SIG_IGN)
    }

    private struct HookRun {
        var result: CLIResult
        var seconds: Double
        /// Whether everything meant for its stdin could be written (no closed pipe).
        var tookAllInput: Bool
    }

    /// Runs `factory hook args…` with `input` on a pipe to its stdin, closed after it unless
    /// `keepOpen` (an agent that never closes it).
    private func hook(_ args: [String], input: [UInt8] = [], keepOpen: Bool = false, environment: [String: String] = [:]) throws -> HookRun {
        try Self.hook(args, input: input, keepOpen: keepOpen, environment: environment, scratch: scratch)
    }

    private static func hook(_ args: [String], input: [UInt8], keepOpen: Bool = false, environment: [String: String] = [:],
                             scratch: String) throws -> HookRun {
        let out = scratch + "/\(UUID().uuidString).out", err = out + ".err"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Factory.binaryPath)
        process.arguments = ["hook"] + args
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FACTORY_") }.merging(environment) { $1 }
        let stdin = Pipe()
        process.standardInput = stdin
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        let tookAll = Locked(true)
        let writer = stdin.fileHandleForWriting.fileDescriptor
        let t0 = Date()
        try process.run()
        let fed = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            var sent = 0
            while sent < input.count {
                let n = input[sent...].withUnsafeBytes { write(writer, $0.baseAddress, $0.count) }
                if n <= 0 { tookAll.with { $0 = false }; break }
                sent += n
            }
            if !keepOpen { try? stdin.fileHandleForWriting.close() }
            fed.signal()
        }
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(t0)
        _ = fed.wait(timeout: .now() + 10)
        if keepOpen { try? stdin.fileHandleForWriting.close() }
        let text = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        let result = CLIResult(arguments: ["hook"] + args, status: process.terminationStatus, stdout: text(out), stderr: text(err))
        return HookRun(result: result, seconds: seconds, tookAllInput: tookAll.get)
    }

    private func records() -> [[String: Any]] {
        let text = (try? String(contentsOfFile: signals, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    private func assertSilentSuccess(_ r: HookRun, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.result.status, 0, r.result.summary, file: file, line: line)
        XCTAssertEqual(r.result.stdout, "", "a hook prints nothing: \(r.result.summary)", file: file, line: line)
        XCTAssertEqual(r.result.stderr, "", r.result.summary, file: file, line: line)
    }

    func testAHookRecordsTheFewFieldsThatMatter() throws {
        let payload = #"{"session_id":"s","transcript_path":"/t.jsonl","cwd":"/w","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"swift test --filter Hook","description":"Run the tests"}}"#
        let r = try hook(["PreToolUse", "--run", run], input: Array(payload.utf8))
        assertSilentSuccess(r)
        let record = try XCTUnwrap(records().first)
        XCTAssertEqual(record["event"] as? String, "PreToolUse")
        XCTAssertEqual(record["tool"] as? String, "Bash")
        XCTAssertEqual(record["detail"] as? String, "Bash: swift test --filter Hook")
        XCTAssertEqual(Set(record.keys), ["time", "event", "tool", "detail"], "never the whole input")
        XCTAssertEqual(record["time"] as? Double ?? 0, Date().timeIntervalSince1970, accuracy: 30)
        // The run folder may come from the environment factory gives its agents.
        assertSilentSuccess(try hook(["Stop"], input: Array("{}".utf8), environment: ["FACTORY_RUN_DIR": run]))
        XCTAssertEqual(records().last?["event"] as? String, "Stop")
        // Or from the plan and the role beside it, as every agent factory starts has them.
        let plan = ["FACTORY_PLAN": root + "/.agent-comms/PLAN.md", "FACTORY_ROLE": "architect"]
        assertSilentSuccess(try hook(["SessionEnd"], input: Array("{}".utf8), environment: plan))
        XCTAssertEqual(records().last?["event"] as? String, "SessionEnd")
        assertSilentSuccess(try hook(["Stop"], input: Array("{}".utf8), environment: plan.merging(["FACTORY_ROLE": "../x"]) { $1 }))
        XCTAssertEqual(records().count, 3, "a role that is not a name leads nowhere")
    }

    /// Garbage, nothing, a mistyped command line, nowhere to write: exit 0, not a word.
    func testAHookNeverFailsNorSpeaks() throws {
        try FileManager.default.createDirectory(atPath: root + "/folder-in-the-way/signals.jsonl", withIntermediateDirectories: true)
        let cases: [([String], String)] = [
            (["Stop", "--run", run], "\u{0}\u{1}garbage{{{"),
            (["Stop", "--run", run], ""),
            (["Notification", "--run", run], "[\"not an object\"]"),
            ([], ""),
            (["--run", run], "{}"),
            (["Stop"], "{}"),
            (["Stop", "--run"], "{}"),
            (["Stop", "--bogus", "--run", run], "{}"),
            (["../../escape", "--run", run], "{}"),
            (["Stop", "--run", root + "/no/such/folder"], "{}"),
            (["Stop", "--run", root + "/folder-in-the-way"], "{}"),
            (["Stop", "--run=" + run], "{}"),
        ]
        for (args, input) in cases {
            let r = try hook(args, input: Array(input.utf8))
            assertSilentSuccess(r)
            XCTAssertLessThan(r.seconds, 2, "\(args)")
        }
        XCTAssertEqual(records().map { $0["event"] as? String }, ["Stop", "Stop", "Notification", "Stop", "Stop"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/no/such/folder"), "no folder is made")
        if getuid() != 0 {
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: run)
            defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: run) }
            assertSilentSuccess(try hook(["Stop", "--run", run], input: Array("{}".utf8)))
        }
    }

    /// A payload far past what is kept is read to its end (the agent's write never meets a
    /// closed pipe) and cut; the tool's name, near its start, is still recorded.
    func testAHugePayloadIsDrainedAndCut() throws {
        let big = String(repeating: "x", count: 8 << 20)
        let payload = #"{"hook_event_name":"PostToolUse","tool_name":"Read","tool_input":{"file_path":"/w/big.txt"},"tool_response":{"content":""# + big + #""}}"#
        let r = try hook(["PostToolUse", "--run", run], input: Array(payload.utf8))
        assertSilentSuccess(r)
        XCTAssertTrue(r.tookAllInput, "the hook read everything the agent wrote")
        XCTAssertLessThan(r.seconds, 2)
        XCTAssertEqual(records().first?["tool"] as? String, "Read")
    }

    /// An agent that never closes the hook's stdin holds it no longer than the read deadline.
    func testStdinLeftOpenDoesNotHoldTheHook() throws {
        let r = try hook(["Stop", "--run", run], input: Array(#"{"hook_event_name":"Stop"}"#.utf8), keepOpen: true)
        assertSilentSuccess(r)
        XCTAssertLessThan(r.seconds, 3)
        XCTAssertEqual(records().first?["event"] as? String, "Stop")
        // Codex passes its JSON as an argument: its stdin is not read at all.
        let codex = try hook(["codex-notify", "--run", run, #"{"type":"agent-turn-complete","last-assistant-message":"Done."}"#], keepOpen: true)
        assertSilentSuccess(codex)
        XCTAssertLessThan(codex.seconds, 0.9, "stdin is not waited for")
        XCTAssertEqual(records().last?["kind"] as? String, "agent-turn-complete")
    }

    /// Hooks of one agent run at once (Claude Code runs matching hooks in parallel): every
    /// record arrives whole.
    func testHooksAtOnceKeepEveryRecordWhole() throws {
        let payload = Array(#"{"hook_event_name":"PostToolUse","tool_name":"Bash","tool_input":{"command":"make"}}"#.utf8)
        let failures = Locked(0)
        let scratch = scratch, run = run
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<5 {
                guard let r = try? Self.hook(["PostToolUse", "--run", run], input: payload, scratch: scratch), r.result.status == 0, r.result.stdout.isEmpty else {
                    failures.with { $0 += 1 }
                    continue
                }
            }
        }
        XCTAssertEqual(failures.get, 0)
        let lines = ((try? String(contentsOfFile: signals, encoding: .utf8)) ?? "").split(separator: "\n")
        XCTAssertEqual(lines.count, 40)
        XCTAssertEqual(records().count, 40, "every line a whole record")
    }

    func testHelpWorks() throws {
        let r = try factory("hook", "--help")
        XCTAssertEqual(r.status, 0, r.summary)
        XCTAssertTrue(r.stdout.contains("USAGE: factory hook <event>"), r.stdout)
        XCTAssertFalse(try factory("--help").stdout.contains(" hook "), "machinery, not in the command list")
    }

    /// `factory explain ROLE`: nothing yet, then the record that decides, then JSON.
    func testExplainShowsTheDecidingSignal() throws {
        let repo = try makeSimRepo()
        XCTAssertEqual(try ok("explain", "architect", cwd: repo).stdout, "architect: not_started\n  hooks: no signal yet\n", "no signal, and no agent: its lifecycle state")
        let payload = #"{"hook_event_name":"PermissionRequest","tool_name":"Bash","tool_input":{"command":"rm -rf build"}}"#
        let architect = repo + "/.agent-comms/run/architect"
        try FileManager.default.createDirectory(atPath: architect, withIntermediateDirectories: true)  // as a start makes it
        assertSilentSuccess(try hook(["PermissionRequest", "--run", architect], input: Array(payload.utf8)))
        let said = try ok("explain", "architect", cwd: repo).stdout
        XCTAssertTrue(said.hasPrefix("architect: waiting_input, decided by hooks\n  hooks: PermissionRequest at "), said)
        XCTAssertTrue(said.hasSuffix(": Bash: rm -rf build\n"), said)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(ok("explain", "architect", "--json", cwd: repo).stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["state"] as? String, "waiting_input")
        XCTAssertEqual(json["decidedBy"] as? String, "hooks")
        let signal = try XCTUnwrap((json["signals"] as? [[String: Any]])?.first)
        XCTAssertEqual(signal["source"] as? String, "hooks")
        XCTAssertEqual((signal["record"] as? [String: Any])?["event"] as? String, "PermissionRequest")
        let missing = try factory(["explain", "nobody"], cwd: repo)
        XCTAssertEqual(missing.status, 1, missing.summary)
        assertOneLine(missing.stderr, mentioning: "no role nobody", missing)
        XCTAssertNotEqual(try factory(["explain", "../x"], cwd: repo).status, 0)
    }
}
