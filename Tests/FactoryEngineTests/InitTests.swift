import BundledFiles
@testable import FactoryEngine
import PlanDocument
import XCTest

final class InitTests: XCTestCase {
    func testInitScaffoldsEverythingOnce() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        let report = try FactoryInit.run(in: repo.path, today: "2026-11-24")
        XCTAssertFalse(report.nothingToDo)

        let plan = PlanDocument(repo.read(".agent-comms/PLAN.md") ?? "")
        XCTAssertEqual(plan.view.field("Status"), "🟢 Ready")
        XCTAssertEqual(plan.view.checkpoints.count, 4)
        XCTAssertNotNil(repo.read(".agent-comms/HISTORY.md"))
        for role in Role.all { XCTAssertEqual(repo.read("agents/\(role).md"), BundledFiles.agents[role], role) }
        XCTAssertTrue(repo.read(".gitignore")?.contains("worktrees/\n") ?? false)

        // A clone per role on its branch, borrowing the main repository's objects; no git
        // worktree but the main checkout.
        for role in Role.all {
            let clone = repo.path + "/worktrees/\(role)"
            XCTAssertEqual(AgentCheckout.at(clone, root: repo.path).kind, .clone, role)
            XCTAssertEqual(try Git(clone).output(["symbolic-ref", "--short", "HEAD"]), "agent/\(role)")
            XCTAssertEqual(try Git(clone).output(["rev-parse", "HEAD"]), try repo.git("rev-parse", "agent/\(role)").trimmingCharacters(in: .newlines))
            XCTAssertEqual(try String(contentsOfFile: clone + "/.git/objects/info/alternates", encoding: .utf8), repo.path + "/.git/objects\n")
        }
        XCTAssertEqual(try repo.git("worktree", "list", "--porcelain").components(separatedBy: "worktree ").count - 1, 1)
        XCTAssertEqual(try repo.git("status", "--porcelain"), "", "the scaffold is committed or ignored")
        XCTAssertEqual(try repo.git("log", "--format=%s", "-1"), "factory: set up the software factory\n")

        // A second run changes nothing and says so.
        let head = try repo.git("rev-parse", "HEAD")
        let planBytes = repo.read(".agent-comms/PLAN.md")
        let again = try FactoryInit.run(in: repo.path + "/worktrees/../agents", today: "2030-01-01")
        XCTAssertTrue(again.nothingToDo, "\(again.created)")
        XCTAssertEqual(try repo.git("rev-parse", "HEAD"), head)
        XCTAssertEqual(repo.read(".agent-comms/PLAN.md"), planBytes)
    }

    func testInitKeepsExistingFilesAndRestoresMissingOnes() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        _ = try FactoryInit.run(in: repo.path, today: "d")
        try "custom builder\n".write(toFile: repo.path + "/agents/builder.md", atomically: true, encoding: .utf8)
        try repo.git("commit", "--quiet", "-am", "custom builder")
        try FileManager.default.removeItem(atPath: repo.path + "/worktrees/tester")
        let report = try FactoryInit.run(in: repo.path, today: "d")
        XCTAssertEqual(report.created, ["worktrees/tester (agent/tester)"], "the branch exists already and is reused")
        XCTAssertEqual(repo.read("agents/builder.md"), "custom builder\n")
    }

    func testPresetIsWrittenIntoNewRoleFiles() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        _ = try FactoryInit.run(in: repo.path, preset: "sim", today: "d")
        let def = try RoleDefinition.parse(role: "tester", text: repo.read("agents/tester.md") ?? "")
        XCTAssertEqual(def.command.first, "{factory}")
        XCTAssertThrowsError(try FactoryInit.run(in: repo.path, preset: "nope", today: "d"))
    }

    /// aider's own files (`.aider.chat.history.md`, its caches) are ignored when its preset
    /// is chosen, so aider does not add the line to each worktree's `.gitignore` itself.
    func testTheAiderPresetIgnoresAidersFiles() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        _ = try FactoryInit.run(in: repo.path, preset: "aider", today: "d")
        XCTAssertTrue(repo.read(".gitignore")?.contains("\n.aider*\n") ?? false, repo.read(".gitignore") ?? "")
        XCTAssertEqual(try repo.git("status", "--porcelain"), "", "the ignore line is committed")
        let other = try TempRepo()
        defer { other.remove() }
        _ = try FactoryInit.run(in: other.path, preset: "sim", today: "d")
        XCTAssertFalse(other.read(".gitignore")?.contains(".aider") ?? true, "other presets leave aider out")
    }

    func testInitWorksInARepositoryWithoutCommits() throws {
        let repo = try TempRepo(commit: false)
        defer { repo.remove() }
        let report = try FactoryInit.run(in: repo.path, today: "d")
        XCTAssertTrue(report.created.contains("worktrees/builder (agent/builder)"))
    }

    func testInitRefusesOutsideGit() throws {
        let dir = NSTemporaryDirectory() + "factory-nogit-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        XCTAssertThrowsError(try FactoryInit.run(in: dir, today: "d")) { error in
            XCTAssertTrue("\(error)".contains("not inside a git repository"), "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [])
    }

    func testInitRefusesToCommitSomeoneElsesStagedChanges() throws {
        let repo = try TempRepo()
        defer { repo.remove() }
        try "staged\n".write(toFile: repo.path + "/work.txt", atomically: true, encoding: .utf8)
        try repo.git("add", "work.txt")
        XCTAssertThrowsError(try FactoryInit.run(in: repo.path, today: "d")) { error in
            XCTAssertTrue("\(error)".contains("staged changes"), "\(error)")
        }
        XCTAssertNil(repo.read(".agent-comms/PLAN.md"), "nothing is created")
        XCTAssertNil(repo.read("agents/builder.md"))
        XCTAssertEqual(try repo.git("status", "--porcelain"), "A  work.txt\n")
    }
}
