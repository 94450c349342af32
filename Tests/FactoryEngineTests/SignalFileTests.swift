@testable import FactoryEngine
import Foundation
import XCTest

/// The run folder's hook files: the records' file (appends from many processes, bounded,
/// read from its end) and the Claude Code settings that register the hooks.
final class SignalFileTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "factory-signal-file-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func testRecordsAreReadBackInOrderAndBadLinesSkipped() throws {
        let file = SignalFile(dir + "/signals.jsonl")
        XCTAssertEqual(file.lastRecords(), [], "no file: no records")
        let first = SignalRecord(time: 1, event: "PreToolUse", tool: "Bash", detail: "Bash: ls")
        XCTAssertTrue(file.append(first))
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: file.path))
        handle.seekToEndOfFile()
        handle.write(Data("not a record\n{\"time\":2}\n".utf8))
        try handle.close()
        let second = SignalRecord(time: 3, event: "Stop")
        XCTAssertTrue(file.append(second))
        XCTAssertEqual(file.lastRecords(), [first, second])
        file.clear()
        XCTAssertEqual(file.lastRecords(), [])
    }

    /// Past its cap the file becomes `signals.1.jsonl` and a new one starts: the newest
    /// records are always in the file, and the two together stay under two caps.
    func testTheFileIsBounded() throws {
        let file = SignalFile(dir + "/signals.jsonl", cap: 4096)
        for i in 0..<500 { XCTAssertTrue(file.append(SignalRecord(time: Double(i), event: "PostToolUse", tool: "Bash", detail: "Bash: step \(i)"))) }
        let size = { (path: String) in (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
        XCTAssertLessThanOrEqual(size(file.path), 4096)
        XCTAssertGreaterThan(size(file.previous), 0)
        XCTAssertLessThanOrEqual(size(file.previous), 4096)
        XCTAssertEqual(file.lastRecords().last?.detail, "Bash: step 499")
        XCTAssertEqual(file.previous, dir + "/signals.1.jsonl")
    }

    /// Only the end is read: a line cut by the window is left out, not misread.
    func testOnlyTheEndIsRead() {
        let file = SignalFile(dir + "/signals.jsonl", cap: 1 << 20)
        for i in 0..<200 { file.append(SignalRecord(time: Double(i), event: "PostToolUse", detail: "step \(i)")) }
        let tail = file.lastRecords(window: 300)
        XCTAssertFalse(tail.isEmpty)
        XCTAssertLessThan(tail.count, 10)
        XCTAssertEqual(tail.last?.detail, "step 199")
        XCTAssertEqual(tail.map(\.time), tail.map(\.time).sorted())
    }

    /// Writers at once, rotating as they go: every line whole, none lost beyond what the
    /// bound drops (with a cap this large, nothing).
    func testConcurrentWritersNeverInterleave() {
        let file = SignalFile(dir + "/signals.jsonl", cap: 1 << 20)
        DispatchQueue.concurrentPerform(iterations: 8) { writer in
            for i in 0..<200 { file.append(SignalRecord(time: Double(i), event: "PreToolUse", tool: "w\(writer)", detail: String(repeating: "x", count: 200))) }
        }
        let text = (try? String(contentsOfFile: file.path, encoding: .utf8)) ?? ""
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.count, 1600)
        XCTAssertTrue(lines.allSatisfy { SignalRecord(line: Array($0.utf8)) != nil })
    }

    /// Nowhere to write: the record is lost, quietly. A symlink in the records' place is not
    /// followed (the hook never writes through it elsewhere).
    func testNowhereToWriteLosesTheRecordQuietly() throws {
        let stop = SignalRecord(time: 1, event: "Stop")
        XCTAssertFalse(SignalFile(dir + "/missing/signals.jsonl").append(stop))
        try FileManager.default.createDirectory(atPath: dir + "/folder.jsonl", withIntermediateDirectories: true)
        XCTAssertFalse(SignalFile(dir + "/folder.jsonl").append(stop))
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.jsonl", withDestinationPath: dir + "/elsewhere")
        XCTAssertFalse(SignalFile(dir + "/link.jsonl").append(stop))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/elsewhere"))
        guard getuid() != 0 else { return }  // root writes into a read-only folder
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: dir)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir) }
        XCTAssertFalse(SignalFile(dir + "/signals.jsonl").append(stop))
    }

    /// The settings register `factory hook EVENT --run DIR` for each event, quoted for the
    /// shell Claude Code runs it with, whatever the paths hold.
    func testTheClaudeSettingsRegisterEveryEvent() throws {
        let run = RunDirectory(dir + "/it's here/run/architect")
        try ClaudeHookSettings.write(run, factory: "/opt/my factory/factory")
        let data = try XCTUnwrap(FileManager.default.contents(atPath: run.claudeSettings))
        let hooks = try XCTUnwrap((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["hooks"] as? [String: Any])
        XCTAssertEqual(Set(hooks.keys), Set(ClaudeHookSettings.events))
        for event in ["PreToolUse", "PermissionRequest", "PostToolUse", "Notification", "UserPromptSubmit", "Stop"] {
            XCTAssertTrue(ClaudeHookSettings.events.contains(event), event)
        }
        let group = try XCTUnwrap((hooks["Notification"] as? [[String: Any]])?.first)
        XCTAssertEqual(group["matcher"] as? String, "", "every notification type: the reader sorts them")
        let hook = try XCTUnwrap((group["hooks"] as? [[String: Any]])?.first)
        XCTAssertEqual(hook["type"] as? String, "command")
        XCTAssertEqual(hook["timeout"] as? Int, 10)
        let command = try XCTUnwrap(hook["command"] as? String)
        XCTAssertEqual(command, #"'/opt/my factory/factory' hook Notification --run '\#(dir)/it'\''s here/run/architect'"#)
        let words = try shellWords(command)
        XCTAssertEqual(words, ["/opt/my factory/factory", "hook", "Notification", "--run", run.path], "the shell reads it back exactly")
    }

    /// `{settings}` and `{notify}` in a role's command: the claude preset passes the run's
    /// settings file; a codex command can pass factory's notify program.
    func testTheHookPlaceholders() throws {
        let claude = try RoleDefinition.parse(role: "builder", text: "---\npreset: claude\n---\n")
        XCTAssertTrue(claude.usesHookSettings)
        let argv = claude.argv(prompt: "p", worktree: "/w", plan: "/r/run/builder/plan/PLAN.md", factory: "/f", run: "/r/run/builder")
        XCTAssertEqual(Array(argv.prefix(5)), ["claude", "--settings", "/r/run/builder/claude-settings.json", "--add-dir", "/r/run/builder/plan"])
        XCTAssertEqual(Array(argv.dropFirst(5)), AgentPreset.claudeStreamArguments)
        let codex = try RoleDefinition.parse(role: "builder", text: "---\ncommand: [\"codex\", \"-c\", \"notify={notify}\", \"{prompt}\"]\n---\n")
        XCTAssertFalse(codex.usesHookSettings)
        XCTAssertEqual(codex.argv(prompt: "p", worktree: "/w", plan: "/p", factory: "/f\"x", run: "/r"),
                       ["codex", "-c", #"notify=["/f\"x", "hook", "codex-notify", "--run", "/r"]"#, "p"])
        XCTAssertEqual(CodexNotify.tomlString("a\\b\u{1}"), #""a\\b\u0001""#)
    }

    /// What `sh` makes of a command line, by asking it.
    private func shellWords(_ command: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "for w in " + command.replacingOccurrences(of: "\n", with: " ") + "; do printf '%s\\0' \"$w\"; done"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\0").map(String.init)
    }
}
