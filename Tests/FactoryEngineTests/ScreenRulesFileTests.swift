import BundledFiles
import FactoryEngine
import Foundation
import XCTest

/// Rule files: the built-in ones load; a bad one says, in one line, where and why.
final class ScreenRulesFileTests: XCTestCase {
    /// A rule file with one rule whose lines are `rule` (indented under `- `).
    static func file(rule: String, top: String = "cli: test\ntested: by hand\n") -> String {
        top + "rules:\n  - " + rule.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n    ") + "\n"
    }

    static let goodRule = "name: prompt\nstate: idle\nregion: bottom 2\nall:\n  - text: '> '"

    func error(_ text: String) -> String {
        do {
            _ = try ScreenRules.parse(text, file: "screens/test.yaml")
            return "no error"
        } catch {
            return error.message
        }
    }

    func testEveryBuiltInFileLoads() throws {
        for cli in ScreenRules.bundledNames {
            let rules = try ScreenRules.load(cli, userDirectory: nil)
            XCTAssertEqual(rules.cli, cli)
            XCTAssertFalse(rules.rules.isEmpty, cli)
        }
        XCTAssertTrue(try ScreenRules.load("claude", userDirectory: nil).tested)
        XCTAssertTrue(try ScreenRules.load("aider", userDirectory: nil).tested)
        XCTAssertFalse(try ScreenRules.load("codex", userDirectory: nil).tested)
    }

    func testAGoodFileKeepsItsValuesAndOrdersByPriority() throws {
        let text = """
            cli: test
            tested: by hand
            stale_after_ms: 1500
            rules:
              - name: low
                state: idle
                region: top 3
                any: [{text: a}]
              - name: high
                state: waiting_input
                priority: 9
                region: cursor 0
                all: [{regex: '^b'}]
                hold_ms: 250
                changed_within_ms: 2000
                keys: {allow: ["1"], deny: [Escape], after_ms: 300}
                prompt: {regex: '(b+)', region: screen}
            """
        let rules = try ScreenRules.parse(text, file: "t.yaml")
        XCTAssertEqual(rules.staleAfter, 1.5)
        XCTAssertEqual(rules.rules.map(\.name), ["high", "low"])
        let high = rules.rules[0]
        XCTAssertEqual(high.state, .waitingInput)
        XCTAssertEqual(high.region, .cursor(0))
        XCTAssertEqual(high.hold, 0.25)
        XCTAssertEqual(high.changedWithin, 2)
        XCTAssertEqual(high.keys, AnswerKeys(allow: ["1"], deny: ["Escape"], after: 0.3))
        XCTAssertEqual(high.prompt?.region, .screen)
        XCTAssertEqual(rules.rules[1].region, .top(3))
        XCTAssertEqual(rules.rules[1].prompt?.region, nil)
    }

    func testABadRegexNamesItsLine() {
        let text = Self.file(rule: "name: x\nstate: idle\nall:\n  - regex: 'a(b'")
        XCTAssertEqual(error(text), "screens/test.yaml:7: bad regex 'a(b': not a valid regular expression (ICU syntax)")
    }

    func testABadRegionNamesItsLineAndTheChoices() {
        let text = Self.file(rule: "name: x\nstate: idle\nregion: bottm 2\nall: [{text: a}]")
        XCTAssertEqual(error(text), "screens/test.yaml:6: bad region 'bottm 2': write screen, top N, bottom N (N lines, at least 1) or cursor N (N lines either side)")
        XCTAssertTrue(error(Self.file(rule: "name: x\nstate: idle\nregion: bottom 0\nall: [{text: a}]")).hasPrefix("screens/test.yaml:6: bad region 'bottom 0'"))
    }

    func testAnUnknownStateNamesTheStates() {
        let text = Self.file(rule: "name: x\nstate: wating\nall: [{text: a}]")
        XCTAssertEqual(error(text), "screens/test.yaml:5: unknown state 'wating' (one of working, waiting_input, idle)")
        XCTAssertEqual(error(Self.file(rule: "name: x\nstate: unknown\nall: [{text: a}]")),
                       "screens/test.yaml:5: unknown state 'unknown' (one of working, waiting_input, idle)", "unknown is the reader's answer, not a rule's")
    }

    func testMistakesInAFileSayWhereAndWhy() {
        let cases: [(String, String)] = [
            (Self.file(rule: Self.goodRule + "\nhold: 500"), "screens/test.yaml:9: unknown key 'hold' in a rule (known: all, any, changed_within_ms, hold_ms, keys, name, priority, prompt, region, state)"),
            (Self.file(rule: "name: x\nstate: idle"), "screens/test.yaml:4: rule 'x' has no patterns: give 'all:' or 'any:'"),
            (Self.file(rule: Self.goodRule + "\nprompt: 'no group'"), "screens/test.yaml:9: prompt regex 'no group' needs a capture group: ( ) around the text to show"),
            (Self.file(rule: Self.goodRule + "\nkeys: {allow: [y]}"), "screens/test.yaml:9: only a waiting_input rule has answer keys"),
            (Self.file(rule: Self.goodRule + "\nhold_ms: soon"), "screens/test.yaml:9: 'hold_ms:' must be a whole number"),
            (Self.file(rule: "name: x\nstate: idle\nall: [{text: a, regex: b}]"), "screens/test.yaml:6: a pattern is {text: …} or {regex: …}, one of the two"),
            (Self.file(rule: Self.goodRule, top: "cli: test\n"), "screens/test.yaml:1: say what the rules were checked against in 'tested:', or why they could not be in 'untested:' (one of the two)"),
            ("cli: test\ntested: yes\nrules: []\n", "screens/test.yaml:3: 'rules:' must be a list of at least one rule"),
            ("cli: test\ntested: x\nrules:\n  - name: a\n    state: idle\n   all: [}\n", "screens/test.yaml:6: not valid YAML: did not find expected '-' indicator (while parsing a block collection)"),
            ("- just\n- a list\n", "screens/test.yaml:1: the file must be a mapping of key: value"),
            ("", "screens/test.yaml:1: the file must be a mapping of key: value"),
        ]
        for (text, expected) in cases {
            let message = error(text)
            XCTAssertTrue(message.hasPrefix(expected), "\(message)\n  expected: \(expected)")
            XCTAssertFalse(message.contains("\n"), "one line: \(message)")
        }
    }

    func testTwoRulesWithOneNameAreAMistake() {
        let text = "cli: t\ntested: x\nrules:\n  - {name: a, state: idle, all: [{text: a}]}\n  - {name: a, state: idle, all: [{text: b}]}\n"
        XCTAssertEqual(error(text), "screens/test.yaml:5: two rules are named 'a'")
    }

    /// A user's file replaces the built-in one; a CLI without rules says what there is.
    func testTheUsersFolderComesFirst() throws {
        let folder = NSTemporaryDirectory() + "screens-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.file(rule: Self.goodRule, top: "cli: claude\nuntested: mine\n").write(toFile: folder + "/claude.yaml", atomically: true, encoding: .utf8)
        let mine = try ScreenRules.load("claude", userDirectory: folder)
        XCTAssertEqual(mine.provenance, "mine")
        XCTAssertEqual(try ScreenRules.load("aider", userDirectory: folder).provenance, "aider 0.86.2, fixtures in Tests/Fixtures/screens/aider")
        try "rules: [".write(toFile: folder + "/codex.yaml", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ScreenRules.load("codex", userDirectory: folder)) { error in
            XCTAssertTrue("\(error)".hasPrefix(folder + "/codex.yaml:"), "\(error)")
        }
        XCTAssertThrowsError(try ScreenRules.load("gemini", userDirectory: folder)) { error in
            XCTAssertEqual("\(error)", "no screen rules for 'gemini'; built in: aider, claude, codex (your own go in \(folder)/<cli>.yaml)")
        }
        XCTAssertEqual(UserConfig.directory("screens", environment: ["HOME": "/home/u"]), "/home/u/.config/factory/screens")
    }
}
