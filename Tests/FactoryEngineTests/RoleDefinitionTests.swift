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
            XCTAssertTrue(def.command.contains { $0.contains("{prompt}") || $0 == "{role}" }, name)
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
}
