@testable import FactoryEngine
import PlanDocument
import XCTest

/// What the human approved, sealed, and what counts as a change to it afterwards.
final class PlanSealTests: XCTestCase {
    func testTheSealCoversTheDesignAndThisFeaturesTasksNotTheirStatus() throws {
        let plan = try PlanDocument(PlanTemplate.text()).applying([
            .addTask(TaskDraft(id: "T1", agent: "architect", status: "done", priority: "P0", description: "Old feature")),
            .appendSection(markdown: "## Design: Greeting\n\nOne command.\n"),
            .addTask(TaskDraft(id: "T2", agent: "builder", status: "pending", priority: "P0", description: "Implement", dependsOn: ["T1"])),
        ])
        let lines = PlanSeal.lines(of: plan, feature: "Greeting", tasksBefore: ["T1"])
        XCTAssertEqual(lines, ["## Design: Greeting", "", "One command.", "task T2 · builder · P0 · Implement · after T1"])
        let done = try plan.applying(.setTaskCell(id: "T2", column: "status", value: "done"))
        XCTAssertEqual(PlanSeal.lines(of: done, feature: "Greeting", tasksBefore: ["T1"]), lines, "a status moving is not a change")
        XCTAssertEqual(PlanApproval(feature: "Greeting", lines: lines, at: 0, by: "human").seal.count, 64, "SHA-256 in hex")
    }

    func testChangesToWhatWasApproved() {
        let approved = ["## Design: Greeting", "One command.", "task T2 · builder · P0 · Implement"]
        let now = ["## Design: Greeting", "No command.", "task T2 · builder · P0 · Implement everything", "task T3 · tester · P2 · Follow-up"]
        let changes = PlanSeal.changes(from: approved, to: now)
        XCTAssertEqual(changes, ["- One command.", "- task T2 · builder · P0 · Implement", "+ No command.",
                                 "+ task T2 · builder · P0 · Implement everything", "+ task T3 · tester · P2 · Follow-up"])
        XCTAssertEqual(Engine.approvedChanges(changes), ["- One command.", "- task T2 · builder · P0 · Implement", "+ No command.",
                                                          "+ task T2 · builder · P0 · Implement everything"],
                       "a task added since is new work, not a change to the approved plan")
        XCTAssertNil(Engine.approvedChanges(["+ task T3 · tester · P2 · Follow-up"]))
    }
}
