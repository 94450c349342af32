import BundledFiles
@testable import FactoryEngine
import XCTest

final class RoleDefinitionTests: XCTestCase {
    func testBundledRoleFilesParse() throws {
        for (role, text) in BundledFiles.agents {
            let def = try RoleDefinition.parse(role: role, text: text)
            XCTAssertEqual(def.role, role)
            XCTAssertEqual(def.phase, RoleDefinition.defaultPhase[role])
            XCTAssertEqual(def.command, AgentPreset.command(named: "claude"))
            XCTAssertTrue(def.instructions.hasPrefix("# "), role)
            XCTAssertGreaterThan(def.timeout, 0)
        }
    }

    func testFrontMatter() throws {
        let text = "---\nphase: validation\ncommand: [\"my-agent\", \"--role\", \"{role}\", \"--prompt\", \"{prompt}\"]\ntimeout: 90\nretries: 5\nstall: 12.5\n---\n# Hello\n"
        let def = try RoleDefinition.parse(role: "tester", text: text)
        XCTAssertEqual(def.phase, "validation")
        XCTAssertEqual(def.timeout, 90)
        XCTAssertEqual(def.retries, 5)
        XCTAssertEqual(def.stall, 12.5)
        XCTAssertEqual(def.instructions, "# Hello\n")
        let argv = def.argv(prompt: "do it; rm -rf / \"quoted\" {role}", worktree: "/w", plan: "/p", factory: "/f")
        XCTAssertEqual(argv, ["my-agent", "--role", "tester", "--prompt", "do it; rm -rf / \"quoted\" {role}"],
                       "a placeholder fills one argument, and text it brings is not expanded again")
    }

    func testNoFrontMatterUsesDefaults() throws {
        let def = try RoleDefinition.parse(role: "builder", text: "# Builder\nJust build.\n")
        XCTAssertEqual(def.phase, "implementation")
        XCTAssertEqual(def.retries, RoleDefinition.defaultRetries)
        XCTAssertEqual(def.instructions, "# Builder\nJust build.\n")
    }

    func testPresets() throws {
        for name in ["claude", "codex", "aider", "gemini", "opencode", "sim"] {
            let def = try RoleDefinition.parse(role: "builder", text: "---\npreset: \(name)\n---\n")
            // The claude protocol takes its prompt on stdin; the others on their command line.
            XCTAssertTrue(def.command.contains { $0.contains("{prompt}") || $0 == "{role}" } || def.agentProtocol == .claude, name)
        }
        XCTAssertEqual(try RoleDefinition.parse(role: "builder", text: "---\npreset: sim\n---\n")
            .argv(prompt: "p", worktree: "w", plan: "/x/PLAN.md", factory: "/bin/factory"),
                       ["/bin/factory", "agent-sim", "--role", "builder", "--plan", "/x/PLAN.md"])
    }

    func testBadFrontMatterIsAClearError() {
        let cases = [
            "---\npreset: nonesuch\n---\n": "unknown preset",
            "---\ncommand: just a string\n---\n": "command must be a list",
            "---\ntimeout: soon\n---\n": "timeout must be a number",
            "---\n: : [\n---\n": "not valid YAML",
            "---\nrole: tester\n---\n": "the file name decides the role",
            "---\nphase: validation\nprotocol: nonesuch\n---\n":
                "agents/builder.md:3: unknown protocol \"nonesuch\" (known: claude, codex, gemini, text)",
            "---\nprotocol: 7\n---\n": "agents/builder.md:2: unknown protocol \"7\" (known: claude, codex, gemini, text)",
            "---\nprotocol: [claude]\n---\n": "agents/builder.md:2: unknown protocol",
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try RoleDefinition.parse(role: "builder", text: text)) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(text): \(error)")
            }
        }
    }

    func testRoleNamesCannotEscape() {
        for bad in ["../x", "a/b", "..", "", ".hidden", "x y", "-lead", String(repeating: "a", count: 33), "build\u{0}er", "ténor"] {
            XCTAssertThrowsError(try Role.validate(bad), bad)
        }
        for good in ["builder", "Builder2", "qa_lead", "ux-writer"] { XCTAssertNoThrow(try Role.validate(good), good) }
    }

    func testProtocolFollowsThePresetUnlessSaid() throws {
        let parse = { (front: String) in try RoleDefinition.parse(role: "builder", text: "---\n\(front)---\n").agentProtocol }
        XCTAssertEqual(try RoleDefinition.parse(role: "builder", text: "# Builder\n").agentProtocol, .claude, "the default preset is claude")
        XCTAssertEqual(try parse("preset: claude\n"), .claude)
        XCTAssertEqual(try parse("preset: codex\n"), .codex)
        XCTAssertEqual(try parse("preset: Gemini\n"), .gemini)
        for preset in ["aider", "opencode", "sim"] { XCTAssertEqual(try parse("preset: \(preset)\n"), .text, preset) }
        XCTAssertEqual(try parse("command: [\"my-agent\", \"{prompt}\"]\n"), .text, "a custom command is plain text")
        XCTAssertEqual(try parse("preset: claude\ncommand: [\"my-agent\"]\n"), .text, "the command is what runs")
        XCTAssertEqual(try parse("command: [\"my-claude\"]\nprotocol: claude\n"), .claude)
        XCTAssertEqual(try parse("protocol: Gemini\npreset: claude\n"), .gemini, "said outright, whatever the order")
        XCTAssertEqual(try parse("preset: codex\nprotocol: codex\n"), .codex)
        XCTAssertEqual(try parse("preset: claude\nprotocol: text\n"), .text)
    }

    /// Codex and Gemini take the prompt as an argument (one argument, however it reads), write
    /// their events as JSON Lines, and may edit and run commands without a human to ask.
    func testTheCodexAndGeminiPresetsSpeakTheirEventStreams() throws {
        let prompt = "# Builder\n\n--help; rm -rf / \"quoted\""
        let codex = try RoleDefinition.parse(role: "builder", text: "---\npreset: codex\n---\n")
        XCTAssertEqual(codex.argv(prompt: prompt, worktree: "/w", plan: "/p", factory: "/f"),
                       ["codex", "exec", "--json", "--sandbox", "danger-full-access", prompt])
        let gemini = try RoleDefinition.parse(role: "builder", text: "---\npreset: gemini\n---\n")
        XCTAssertEqual(gemini.argv(prompt: prompt, worktree: "/w", plan: "/p", factory: "/f"),
                       ["gemini", "--output-format", "stream-json", "--approval-mode", "yolo", "-p", prompt])
        for def in [codex, gemini] {
            XCTAssertTrue(def.agentProtocol.isDecoded, "\(def.agentProtocol)")
            XCTAssertFalse(def.agentProtocol.answersOnInput, "they read stdin to its end before starting: it is closed at once")
        }
        XCTAssertTrue(AgentProtocol.claude.answersOnInput)
        XCTAssertFalse(AgentProtocol.text.isDecoded)
        XCTAssertNil(AgentProtocol.text.decoder())
        XCTAssertTrue(AgentProtocol.codex.decoder() is CodexStream)
        XCTAssertTrue(AgentProtocol.gemini.decoder() is GeminiStream)
        XCTAssertTrue(AgentProtocol.claude.decoder() is ClaudeStream)
    }

    func testTheClaudePresetSpeaksStreamJSON() {
        XCTAssertEqual(AgentPreset.command(named: "claude"), ["claude", "--settings", "{settings}", "--add-dir", "{plandir}"] + AgentPreset.claudeStreamArguments,
                       "the prompt goes on stdin as the first message, answers follow it; the run's settings register its hooks; its copy of PLAN.md is readable")
        XCTAssertEqual(AgentPreset.claudeStreamArguments, ["-p", "--output-format", "stream-json", "--verbose",
                                                           "--input-format", "stream-json", "--permission-prompt-tool", "stdio"])
    }
}
