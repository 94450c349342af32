import FactoryEngine
import Foundation
import XCTest

/// The built-in screen rules against screens captured from the real CLIs
/// (Tests/Fixtures/screens/, recaptured by its capture-*.sh scripts).
final class ScreenFixtureTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/screens").path

    /// The screen `name` of `cli`, and the cursor's row when it was captured.
    static func fixture(_ cli: String, _ name: String) throws -> (screen: String, cursorRow: Int?) {
        let screen = try String(contentsOfFile: "\(folder)/\(cli)/\(name).txt", encoding: .utf8)
        let rows = (try? String(contentsOfFile: "\(folder)/\(cli)/cursor-rows", encoding: .utf8)) ?? ""
        let row = rows.split(separator: "\n").first { $0.hasPrefix(name + " ") }?.split(separator: " ").last.flatMap { Int($0) }
        return (screen, row)
    }

    /// What the rules read on one screen alone.
    func read(_ cli: String, _ name: String, cursor: Bool = true, unchangedFor: Double = 0) throws -> ScreenReading {
        let rules = try ScreenRules.load(cli, userDirectory: nil)
        let (screen, row) = try Self.fixture(cli, name)
        let reading = ScreenReader.match(screen, rules: rules, cursorRow: cursor ? row : nil, unchangedFor: unchangedFor)?.reading
        return reading ?? .unknown("no rule matched")
    }

    /// Every captured screen has its expected state, so a new fixture needs its line here.
    func testEveryFixtureReadsAsItsState() throws {
        let expected: [String: ScreenState] = [
            "claude/idle-fresh": .idle, "claude/working": .working, "claude/permission": .waitingInput,
            "claude/question": .waitingInput, "claude/working-tool": .working, "claude/idle": .idle,
            "claude/denied": .idle, "claude/permission-write": .waitingInput, "claude/idle-draft": .idle,
            "aider/confirm-gitignore": .waitingInput, "aider/idle-fresh": .idle, "aider/working": .working,
            "aider/confirm-shell": .waitingInput, "aider/idle": .idle, "aider/idle-draft": .idle,
        ]
        var found: Set<String> = []
        for cli in ["claude", "aider"] {
            for file in try FileManager.default.contentsOfDirectory(atPath: "\(Self.folder)/\(cli)") where file.hasSuffix(".txt") {
                found.insert("\(cli)/\(file.dropLast(4))")
            }
        }
        XCTAssertEqual(found, Set(expected.keys), "a fixture without an expected state, or one missing")
        for (path, state) in expected {
            let parts = path.split(separator: "/").map(String.init)
            let reading = try read(parts[0], parts[1])
            XCTAssertEqual(reading.state, state, "\(path): \(reading)")
        }
    }

    func testClaudesPermissionPromptWaitsWithTheKeysAndTheCommand() throws {
        let reading = try read("claude", "permission")
        XCTAssertEqual(reading.state, .waitingInput)
        XCTAssertEqual(reading.rule, "permission")
        XCTAssertEqual(reading.saw, "Do you want to proceed?")
        XCTAssertEqual(reading.keys, AnswerKeys(allow: ["1"], deny: ["Escape"], after: 0.4))
        XCTAssertEqual(reading.prompt, "rm -rf build && echo removed")
    }

    func testClaudesFilePromptNamesTheFile() throws {
        let reading = try read("claude", "permission-write")
        XCTAssertEqual(reading.rule, "file-permission")
        XCTAssertEqual(reading.prompt, "create notes.txt")
        XCTAssertEqual(reading.keys?.allow, ["1"])
    }

    func testClaudesQuestionShowsTheQuestion() throws {
        let reading = try read("claude", "question")
        XCTAssertEqual(reading.rule, "question")
        XCTAssertEqual(reading.prompt, "Which colour should the button be?")
        XCTAssertEqual(reading.keys, AnswerKeys(allow: [], deny: ["Escape"], after: 0.4))
    }

    func testClaudeWorksWhileTheModelStreamsAndWhileACommandRuns() throws {
        for name in ["working", "working-tool"] {
            let reading = try read("claude", name)
            XCTAssertEqual(reading.rule, "working", name)
            XCTAssertTrue(reading.saw.contains("esc to interrupt"), "\(name): \(reading.saw)")
            XCTAssertNil(reading.keys, name)
        }
    }

    /// At rest after a turn, after a denial, and with a draft typed — not waiting on the
    /// question and command answered higher up the screen.
    func testClaudeIsIdleAtRest() throws {
        XCTAssertEqual(try read("claude", "idle").rule, "idle")
        XCTAssertEqual(try read("claude", "denied").rule, "idle")
        XCTAssertEqual(try read("claude", "idle-draft").rule, "idle-draft")
    }

    func testAidersQuestionsWaitWithYesAndNo() throws {
        let gitignore = try read("aider", "confirm-gitignore")
        XCTAssertEqual(gitignore.rule, "confirm")
        XCTAssertEqual(gitignore.prompt, "Add .aider* to .gitignore (recommended)?")
        XCTAssertEqual(gitignore.keys, AnswerKeys(allow: ["y", "Enter"], deny: ["n", "Enter"]))
        let shell = try read("aider", "confirm-shell")
        XCTAssertEqual(shell.rule, "shell-command")
        XCTAssertEqual(shell.prompt, "echo testing")
    }

    /// aider's only sign of work is output arriving: a screen that stops moving is unknown.
    func testAiderWorksOnlyWhileItsScreenMoves() throws {
        XCTAssertEqual(try read("aider", "working", unchangedFor: 0.5).state, .working)
        XCTAssertEqual(try read("aider", "working", unchangedFor: 5).state, .unknown)
    }

    /// A draft and a message just sent look alike; only the cursor tells them apart, so
    /// without it the draft is unknown, not idle.
    func testAidersDraftNeedsTheCursor() throws {
        XCTAssertEqual(try read("aider", "idle-draft").rule, "idle-draft")
        XCTAssertEqual(try read("aider", "idle-draft", cursor: false).state, .unknown)
        XCTAssertEqual(try read("aider", "idle", cursor: false).state, .idle, "the empty prompt needs no cursor")
    }

    /// Codex cannot run here: its rules against screens from its own snapshot tests.
    func testCodexRulesReadTheScreensOfItsSnapshotTests() throws {
        let rules = try ScreenRules.load("codex", userDirectory: nil)
        XCTAssertFalse(rules.tested)
        let approval = """

              Would you like to run the following command?

              Reason: this is a test reason such as one that would be produced by the model

              $ echo hello world

            › 1. Yes, proceed (y)
              2. Yes, and don't ask again for commands that start with `echo hello world` (p)
              3. No, and tell Codex what to do differently (esc)

              Press enter to confirm or esc to cancel

            """
        let waiting = ScreenReader.match(approval, rules: rules)?.reading
        XCTAssertEqual(waiting?.state, .waitingInput)
        XCTAssertEqual(waiting?.prompt, "echo hello world")
        XCTAssertEqual(waiting?.keys?.allow, ["y"])
        let working = """
            • Explored
              └ Search Change Approved

              Investigating rendering code (0s • Esc to interrupt)


            › Summarize recent commits

              ? for shortcuts

            """
        XCTAssertEqual(ScreenReader.match(working, rules: rules)?.reading.state, .working)
        let idle = "› Ask Codex to do anything\n\n  ? for shortcuts                     100% context left\n"
        XCTAssertEqual(ScreenReader.match(idle, rules: rules)?.reading.state, .idle)
    }
}
