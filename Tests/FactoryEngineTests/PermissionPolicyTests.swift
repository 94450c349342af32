import BundledFiles
import Foundation
@testable import FactoryEngine
import XCTest

/// A role's allow and deny lists, in Claude Code's rule syntax.
final class PermissionPolicyTests: XCTestCase {
    func request(_ tool: String, _ input: String) -> PermissionRequest {
        PermissionRequest(requestID: "r1", tool: tool, inputJSON: input, summary: "\(tool): …", toolUseID: "t1", suggestions: [],
                          suggestionsJSON: "[]", description: "", receivedAt: Date(timeIntervalSince1970: 0))
    }

    func testRulesMatchAsClaudeCodeWritesThem() {
        let policy = PermissionPolicy(allow: ["Edit", "Bash(git commit:*)", "Bash(factory *)", "Write(docs/*)"], deny: ["Bash(git push:*)"])
        XCTAssertEqual(policy.decide(request("Edit", #"{"file_path":"/r/Sources/App.swift"}"#)), .allow(rule: "Edit"))
        XCTAssertEqual(policy.decide(request("Bash", #"{"command":"git commit -m 'x'"}"#)), .allow(rule: "Bash(git commit:*)"))
        XCTAssertEqual(policy.decide(request("Bash", #"{"command":"git commit"}"#)), .allow(rule: "Bash(git commit:*)"))
        XCTAssertNil(policy.decide(request("Bash", #"{"command":"git commitx"}"#)), "a prefix rule matches whole words")
        XCTAssertEqual(policy.decide(request("Bash", #"{"command":"factory task set T1 --status done"}"#)), .allow(rule: "Bash(factory *)"))
        XCTAssertEqual(policy.decide(request("Write", #"{"file_path":"docs/guide/intro.md"}"#)), .allow(rule: "Write(docs/*)"))
        XCTAssertNil(policy.decide(request("Write", #"{"file_path":"Sources/App.swift"}"#)))
        XCTAssertEqual(policy.decide(request("Bash", #"{"command":"git push origin main"}"#)), .deny(rule: "Bash(git push:*)"))
        XCTAssertNil(policy.decide(request("Bash", #"{"command":"rm -rf build"}"#)), "neither list: a human decides")
    }

    func testADenyWinsAndMalformedRulesMatchNothing() {
        let policy = PermissionPolicy(allow: ["Bash"], deny: ["Bash(rm:*)"])
        XCTAssertEqual(policy.decide(request("Bash", #"{"command":"rm -rf /"}"#)), .deny(rule: "Bash(rm:*)"))
        XCTAssertEqual(policy.decide(request("Bash", #"{"command":"ls"}"#)), .allow(rule: "Bash"))
        let broken = PermissionPolicy(allow: ["Bash(git", "Edit)", "(x)"])
        XCTAssertNil(broken.decide(request("Bash", #"{"command":"git status"}"#)))
        XCTAssertNil(broken.decide(request("Edit", #"{"file_path":"a"}"#)))
        XCTAssertNil(PermissionPolicy(allow: ["Bash(git:*)"]).decide(request("Bash", "not json")), "no command to match: a human decides")
    }

    func testRoleFilesCarryTheirLists() throws {
        let def = try RoleDefinition.parse(role: "builder", text: "---\npreset: claude\nallow: [\"Edit\", \"Bash(git commit:*)\"]\ndeny: [\"Bash(git push:*)\"]\n---\n")
        XCTAssertEqual(def.policy, PermissionPolicy(allow: ["Edit", "Bash(git commit:*)"], deny: ["Bash(git push:*)"]))
        XCTAssertThrowsError(try RoleDefinition.parse(role: "builder", text: "---\nallow: Edit\n---\n")) { error in
            XCTAssertEqual("\(error)", "agents/builder.md: allow must be a list of rules, like [\"Edit\", \"Bash(git commit:*)\"]")
        }
        XCTAssertEqual(BundledFiles.agents.count, Role.all.count)
        for (role, text) in BundledFiles.agents {
            let shipped = try RoleDefinition.parse(role: role, text: text)
            XCTAssertFalse(shipped.policy.allow.contains("Bash"), "\(role): no blanket allow of every command")
            XCTAssertTrue(shipped.policy.deny.contains("Bash(git push:*)"), "\(role): agents never push")
        }
    }
}
