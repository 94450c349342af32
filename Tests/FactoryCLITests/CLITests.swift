import Foundation
import PlanDocument
import XCTest

final class CLITests: FactoryTestCase {
    // MARK: plan --json

    func testPlanJSONOnTheTemplate() throws {
        let json = try planJSON()
        for key in ["fields", "tasks", "messages", "checkpoints", "verdicts", "diagnostics"] {
            XCTAssertNotNil(json[key], "plan --json has no \(key): \(json.keys.sorted())")
        }
        let fields = try XCTUnwrap(json["fields"] as? [String: String])
        XCTAssertEqual(fields["Status"], "🟢 Ready")
        XCTAssertEqual(fields["Lead"], "Orchestrator")
        let checkpoints = try XCTUnwrap(json["checkpoints"] as? [[String: Any]])
        XCTAssertEqual(checkpoints.count, 4)
        XCTAssertEqual(checkpoints.compactMap { $0["title"] as? String },
                       ["Design Approved", "Implementation Done", "Validation Passed", "Ready to Merge"])
        XCTAssertEqual((json["tasks"] as? [Any])?.count, 0, "the template's placeholder row is not a task")
        XCTAssertEqual((json["messages"] as? [Any])?.count, 0)
        XCTAssertEqual((json["verdicts"] as? [Any])?.count, 0)
        XCTAssertEqual((json["diagnostics"] as? [Any])?.count, 0)
    }

    // MARK: task add / task set

    func testTaskSetChangesOnlyTheTaskLine() throws {
        let added = try ok("task", "add", "--id", "T1", "--agent", "builder", "--priority", "P1", "--file", planPath, "Write the parser")
        XCTAssertEqual(added.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "T1")
        let before = try planBytes()
        let beforeJSON = try XCTUnwrap(try planJSON()["tasks"] as? [[String: Any]])
        XCTAssertEqual(beforeJSON.count, 1)
        XCTAssertEqual(beforeJSON.first?["status"] as? String, "pending")
        let taskLine = try XCTUnwrap(beforeJSON.first?["line"] as? Int)

        try ok("task", "set", "T1", "--status", "done", "--file", planPath)

        let tasks = try XCTUnwrap(try planJSON()["tasks"] as? [[String: Any]])
        XCTAssertEqual(tasks.count, 1)
        XCTAssertEqual(tasks.first?["id"] as? String, "T1")
        XCTAssertEqual(tasks.first?["status"] as? String, "done")
        XCTAssertEqual(tasks.first?["statusText"] as? String, "✅ Done")
        XCTAssertEqual(tasks.first?["description"] as? String, "Write the parser")
        XCTAssertEqual(tasks.first?["agent"] as? String, "builder")

        let old = lfLines(before), new = lfLines(try planBytes())
        XCTAssertEqual(old.count, new.count, "task set added or removed lines")
        let changed = zip(old, new).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
        XCTAssertEqual(changed, [taskLine - 1], "only the task's row may change")
        let row = String(decoding: new[taskLine - 1], as: UTF8.self)
        XCTAssertTrue(row.contains("✅ Done") && row.contains("Write the parser"), row)
    }

    // MARK: say

    func testSayAppendsAMessage() throws {
        let before = try planBytes()
        let placeholder = "_No messages yet_"
        XCTAssertTrue(String(decoding: before, as: UTF8.self).contains(placeholder))

        try ok("say", "--file", planPath, "--from", "builder", "--to", "architect,tester", "--time", "2026-11-24 10:25", "Auth is ready for review")

        let after = try planBytes()
        XCTAssertFalse(String(decoding: after, as: UTF8.self).contains(placeholder), "the first message replaces the placeholder")
        let messages = try XCTUnwrap(try planJSON()["messages"] as? [[String: Any]])
        XCTAssertEqual(messages.count, 1)
        let m = try XCTUnwrap(messages.first)
        XCTAssertEqual(m["from"] as? String, "Builder")
        XCTAssertEqual(m["to"] as? [String], ["Architect", "Tester"])
        XCTAssertEqual(m["body"] as? String, "Auth is ready for review")
        XCTAssertEqual(m["time"] as? String, "2026-11-24 10:25")

        // The placeholder line became the message; every other line is as it was.
        let old = lfLines(before), new = lfLines(after)
        let at = try XCTUnwrap(old.firstIndex { String(decoding: $0, as: UTF8.self) == placeholder })
        XCTAssertEqual(Array(new[..<at]), Array(old[..<at]))
        XCTAssertEqual(new.count, old.count + 1)
        XCTAssertEqual(String(decoding: new[at], as: UTF8.self), "### Builder → Architect, Tester (2026-11-24 10:25)")
        XCTAssertEqual(String(decoding: new[at + 1], as: UTF8.self), "Auth is ready for review")
        XCTAssertEqual(Array(new[(at + 2)...]), Array(old[(at + 1)...]))

        // Without --time: now, as YYYY-MM-DD HH:MM; appended after the first.
        try ok("say", "--file", planPath, "--from", "tester", "--to", "builder", "Two", "words")
        let both = try XCTUnwrap(try planJSON()["messages"] as? [[String: Any]])
        XCTAssertEqual(both.compactMap { $0["body"] as? String }, ["Auth is ready for review", "Two words"])
        let time = try XCTUnwrap(both.last?["time"] as? String)
        XCTAssertNotNil(time.range(of: #"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$"#, options: .regularExpression), "time \(time)")
    }

    // MARK: checkpoint

    func testCheckpointTickFlipsOneByteAndUndoRestores() throws {
        let before = try planBytes()
        try ok("checkpoint", "tick", "--file", planPath, "Architect completed design")
        let ticked = try planBytes()
        XCTAssertEqual(ticked.count, before.count)
        let diffs = zip(before, ticked).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
        XCTAssertEqual(diffs.count, 1, "exactly one byte changes")
        if let i = diffs.first {
            XCTAssertEqual(before[i], UInt8(ascii: " "))
            XCTAssertEqual(ticked[i], UInt8(ascii: "x"))
        }
        let items = (try XCTUnwrap(try planJSON()["checkpoints"] as? [[String: Any]]))
            .flatMap { ($0["items"] as? [[String: Any]]) ?? [] }
        let done = items.filter { $0["done"] as? Bool == true }.compactMap { $0["text"] as? String }
        XCTAssertEqual(done, ["Architect completed design"])

        try ok("checkpoint", "tick", "--undo", "--file", planPath, "Architect completed design")
        XCTAssertEqual(try planBytes(), before, "--undo restores the file byte for byte")
    }

    // MARK: verdict

    func testVerdictIsRecorded() throws {
        try ok("verdict", "review", "approved", "--subject", "Auth", "--file", planPath)
        let verdicts = try XCTUnwrap(try planJSON()["verdicts"] as? [[String: Any]])
        XCTAssertEqual(verdicts.count, 1)
        XCTAssertEqual(verdicts.first?["kind"] as? String, "review")
        XCTAssertEqual(verdicts.first?["subject"] as? String, "Auth")
        XCTAssertEqual(verdicts.first?["verdict"] as? String, "approved")
    }

    // MARK: lint

    func testLintPassesTheTemplate() throws {
        let r = try ok("lint", "--file", planPath)
        XCTAssertTrue(r.stdout.contains("no problems"), r.summary)
    }

    func testLintFailsOnDuplicateTaskIDs() throws {
        let template = PlanTemplate.text()
        let placeholder = "| - | - | ⏳ | - | Waiting for tasks | - |"
        XCTAssertTrue(template.contains(placeholder))
        let rows = "| T1 | builder | ⏳ Pending | P1 | First | - |\n| T1 | tester | ⏳ Pending | P2 | Second | - |"
        let text = template.replacingOccurrences(of: placeholder, with: rows)
        try writePlan(Array(text.utf8))
        let lines = text.components(separatedBy: "\n")
        let second = try XCTUnwrap(lines.firstIndex { $0.contains("| Second |") }) + 1

        let r = try factory("lint", "--file", planPath)
        XCTAssertEqual(r.status, 1, r.summary)
        let errorLines = r.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("\(planPath):\(second): error: ") }
        XCTAssertEqual(errorLines.count, 1, r.summary)
        XCTAssertTrue(errorLines.first?.contains("T1") == true && errorLines.first?.contains("duplicate") == true, r.summary)
    }

    // MARK: errors

    func testUnknownTaskIsAOneLineErrorAndChangesNothing() throws {
        let before = try planBytes()
        let r = try factory("task", "set", "NOPE", "--status", "done", "--file", planPath)
        XCTAssertNotEqual(r.status, 0, r.summary)
        assertOneLine(r.stderr, mentioning: "NOPE", r)
        XCTAssertEqual(try planBytes(), before, "a failed edit leaves the file byte-identical")
    }

    func testMissingFileIsAOneLineError() throws {
        let missing = root + "/nowhere/PLAN.md"
        let sibling = root + "/.agent-comms/MISSING.md"
        for args in [["plan", "--file", missing], ["lint", "--file", sibling],
                     ["say", "--file", missing, "--from", "builder", "--to", "architect", "hi"],
                     ["say", "--file", sibling, "--from", "builder", "--to", "architect", "hi"],
                     ["task", "set", "T1", "--status", "done", "--file", sibling]] {
            let path = args[args.firstIndex(of: "--file")! + 1]
            let r = try factory(args)
            XCTAssertNotEqual(r.status, 0, r.summary)
            assertOneLine(r.stderr, mentioning: path, r)
            XCTAssertFalse(FileManager.default.fileExists(atPath: path), "\(path) was created")
        }
        // Nothing was left beside the missing file either (no stray lock file).
        let entries = try FileManager.default.contentsOfDirectory(atPath: root + "/.agent-comms")
        XCTAssertEqual(entries.filter { $0.hasPrefix("MISSING") }, [])
    }

    func testSayWithoutAPlanAnywhereErrorsClearly() throws {
        // Outside the project: a temporary directory of its own.
        let empty = (NSTemporaryDirectory() as NSString).appendingPathComponent("factory-cli-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        // The search goes up from `empty`; the project's own PLAN.md is not on that path,
        // but a stray one in a parent of the temporary directory would be.
        var dir = URL(fileURLWithPath: empty)
        while dir.path != "/" {
            dir = dir.deletingLastPathComponent()
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent(".agent-comms/PLAN.md").path) {
                throw XCTSkip("\(dir.path) has a .agent-comms/PLAN.md; cannot test the no-plan case here")
            }
        }
        let r = try factory(["say", "--from", "builder", "--to", "architect", "hello"], cwd: empty)
        XCTAssertNotEqual(r.status, 0, r.summary)
        assertOneLine(r.stderr, mentioning: ".agent-comms/PLAN.md", r)
        XCTAssertTrue(r.stderr.contains("--file"), "the error says how to fix it: \(r.stderr)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: empty), [], "nothing is created")
    }

    // MARK: help

    func testHelpForEverySubcommand() throws {
        let commands: [[String]] = [["plan"], ["lint"], ["say"], ["task", "set"], ["task", "add"], ["checkpoint", "tick"],
                                    ["verdict"], ["changelog"], ["field"], ["bench", "plan"]]
        for command in commands {
            let r = try factory(command + ["--help"])
            XCTAssertEqual(r.status, 0, r.summary)
            XCTAssertTrue(r.stdout.contains("USAGE: factory \(command.joined(separator: " "))"), r.summary)
            XCTAssertTrue(r.stdout.contains("OVERVIEW:"), r.summary)
        }
    }

    // MARK: --file default

    func testFindsThePlanFromASubdirectory() throws {
        try ok("field", "Status", "🔄 Working", "--file", planPath)
        let deep = root + "/src/module/deep"
        try FileManager.default.createDirectory(atPath: deep, withIntermediateDirectories: true)

        let fields = try XCTUnwrap(try planJSON(cwd: deep)["fields"] as? [String: String])
        XCTAssertEqual(fields["Status"], "🔄 Working")

        // A write without --file lands in the same file.
        try ok("say", "--from", "tester", "--to", "builder", "from a subdirectory", cwd: deep)
        XCTAssertEqual(try document().view.messages.map(\.body), ["from a subdirectory"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: deep + "/.agent-comms"))
    }

    // MARK: CRLF

    func testSayKeepsCRLFLineEndings() throws {
        let crlf = PlanTemplate.text().replacingOccurrences(of: "\n", with: "\r\n")
        try writePlan(Array(crlf.utf8))
        let before = try planBytes()

        try ok("say", "--file", planPath, "--from", "builder", "--to", "architect", "--time", "10:25", "Line endings stay")

        let after = try planBytes()
        for (i, byte) in after.enumerated() where byte == 0x0A {
            XCTAssertTrue(i > 0 && after[i - 1] == 0x0D, "bare LF at byte \(i)")
        }
        let old = String(decoding: before, as: UTF8.self).components(separatedBy: "\r\n")
        let new = String(decoding: after, as: UTF8.self).components(separatedBy: "\r\n")
        let at = try XCTUnwrap(old.firstIndex(of: "_No messages yet_"))
        XCTAssertEqual(new.count, old.count + 1)
        XCTAssertEqual(Array(new[..<at]), Array(old[..<at]))
        XCTAssertEqual(Array(new[at..<(at + 2)]), ["### Builder → Architect (10:25)", "Line endings stay"])
        XCTAssertEqual(Array(new[(at + 2)...]), Array(old[(at + 1)...]))
        XCTAssertEqual(PlanDocument(bytes: after).view.messages.map(\.body), ["Line endings stay"])
    }

    // MARK: a row deleted by someone else

    func testSettingARowDeletedByAnotherWriterFails() throws {
        try ok("task", "add", "--id", "T1", "--file", planPath, "First")
        try ok("task", "add", "--id", "T2", "--file", planPath, "Second")
        let tasks = try XCTUnwrap(try planJSON()["tasks"] as? [[String: Any]])
        XCTAssertEqual(tasks.compactMap { $0["id"] as? String }, ["T1", "T2"])

        // Someone else deletes T1's row between our read and our write.
        var lines = lfLines(try planBytes())
        let row = try XCTUnwrap(lines.firstIndex { String(decoding: $0, as: UTF8.self).hasPrefix("| T1 ") })
        lines.remove(at: row)
        try writePlan(Array(lines.joined(separator: [0x0A])))
        let before = try planBytes()

        let r = try factory("task", "set", "T1", "--status", "done", "--file", planPath)
        XCTAssertNotEqual(r.status, 0, r.summary)
        assertOneLine(r.stderr, mentioning: "T1", r)
        XCTAssertEqual(try planBytes(), before, "nothing changes")
        XCTAssertEqual(try document().view.tasks.map(\.id), ["T2"])
    }
}
