@testable import FactoryEngine
import Foundation
import XCTest

/// A confined agent's private home: filled from the user's at each start, one way, and never
/// a way for the agent to make factory write outside it.
final class AgentHomeTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "agent-home-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder + "/user/.claude", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/run", withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    private func write(_ text: String, _ path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    private func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    /// The CLIs' credentials and settings and git's identity are copied in; the variables
    /// point at the copy — a CLI told where its folder is is told where the copy is.
    func testTheUsersCLIFilesAreCopiedInAndTheVariablesPointAtThem() throws {
        let user = folder + "/user"
        try write("{\"hasCompletedOnboarding\": true}\n", user + "/.claude.json")
        try write("{\"token\": \"t\"}\n", user + "/.claude/.credentials.json")
        try write("[user]\n\temail = u@x\n", user + "/.gitconfig")
        try write("not copied\n", user + "/.bashrc")
        try write("model = \"m\"\n", folder + "/codex/config.toml")
        let home = AgentHome(RunDirectory(folder + "/run"))
        let env = try home.prepare(from: ["HOME": user, "CODEX_HOME": folder + "/codex"])
        XCTAssertEqual(env["HOME"], home.path)
        XCTAssertEqual(env["CODEX_HOME"], home.path + "/.codex")
        XCTAssertEqual(env["XDG_CONFIG_HOME"], home.path + "/.config")
        XCTAssertEqual(env["TMPDIR"], "/tmp")
        XCTAssertNil(env["CLAUDE_CONFIG_DIR"])
        XCTAssertEqual(read(home.path + "/.claude.json"), "{\"hasCompletedOnboarding\": true}\n")
        XCTAssertEqual(read(home.path + "/.claude/.credentials.json"), "{\"token\": \"t\"}\n")
        XCTAssertEqual(read(home.path + "/.gitconfig"), "[user]\n\temail = u@x\n")
        XCTAssertEqual(read(home.path + "/.codex/config.toml"), "model = \"m\"\n")
        XCTAssertNil(read(home.path + "/.bashrc"))

        // The agent changes its copy; the next start copies the user's again. What the user
        // no longer has, the copy loses; the agent's own files stay.
        try write("planted\n", home.path + "/.gitconfig")
        try write("the agent's own\n", home.path + "/notes.txt")
        try FileManager.default.removeItem(atPath: user + "/.claude/.credentials.json")
        _ = try home.prepare(from: ["HOME": user])
        XCTAssertEqual(read(home.path + "/.gitconfig"), "[user]\n\temail = u@x\n")
        XCTAssertNil(read(home.path + "/.claude/.credentials.json"))
        XCTAssertEqual(read(home.path + "/notes.txt"), "the agent's own\n")
    }

    /// The home is the agent's: a link it leaves where a copy goes — the file, or a folder on
    /// the way — is replaced or refused, never followed to write outside.
    func testALinkTheAgentLeavesCannotTurnTheCopyIntoAWriteOutside() throws {
        let user = folder + "/user", outside = folder + "/outside"
        try write("{\"real\": true}\n", user + "/.claude.json")
        try write("[user]\n\temail = u@x\n", user + "/.gitconfig")
        try write("{}\n", user + "/.claude/settings.json")
        try write("victim\n", outside + "/victim")
        try FileManager.default.createDirectory(atPath: outside + "/dir", withIntermediateDirectories: true)
        let home = AgentHome(RunDirectory(folder + "/run"))
        try FileManager.default.createDirectory(atPath: home.path, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: home.path + "/.gitconfig", withDestinationPath: outside + "/victim")
        try FileManager.default.createSymbolicLink(atPath: home.path + "/.claude", withDestinationPath: outside + "/dir")
        _ = try home.prepare(from: ["HOME": user])
        XCTAssertEqual(read(outside + "/victim"), "victim\n", "the link's target untouched")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outside + "/dir"), [], "nothing written through the folder link")
        XCTAssertEqual(read(home.path + "/.gitconfig"), "[user]\n\temail = u@x\n", "the link itself replaced")
    }
}
