@testable import Dashboard
import FactoryEngine
import PlanDocument
import XCTest

/// The status bar's hints come from the binding table: rebound keys show as rebound, and
/// only what can be done now is offered.
final class KeyHintsTests: XCTestCase {
    func snapshot(_ phase: Phase) -> Snapshot {
        Snapshot(phase: phase, feature: "Greet", agents: [], attention: [], tasks: TaskCounts(done: 0, total: 0),
                 blockedReason: nil, conflicts: [], plan: PlanDocument(PlanTemplate.text()).view, time: 0)
    }

    func testHintsOfferWhatCanBeDoneNowWithTheKeysBoundNow() throws {
        let keymap = try Keymap(overrides: "approve = Y\n")
        let gate = KeyHints.line(snapshot(.awaitingApproval), UIState(), keymap: keymap)
        XCTAssertTrue(gate.hasPrefix(" Y approve · r reject · "), gate)
        XCTAssertFalse(gate.contains("a approve"), "the old key is not offered")
        let done = KeyHints.line(snapshot(.done), UIState(), keymap: keymap)
        XCTAssertFalse(done.contains("approve"), done)
        XCTAssertTrue(done.hasPrefix(" S new feature · p plan · d diff · m message"), done)
        XCTAssertTrue(KeyHints.line(snapshot(.blocked), UIState(), keymap: keymap).contains("u resume"))
        XCTAssertEqual(PipelinePane.waitingFor(snapshot(.awaitingApproval), keymap: keymap), "plan awaits you: [Y] approve  [r] reject")
        XCTAssertTrue(keymap.helpLines.contains { $0.hasPrefix("Y ") && $0.hasSuffix("approve the plan") }, "\(keymap.helpLines)")
        XCTAssertNil(keymap.warning, "Y was free")
    }

    /// A key taken from another action, leaving it keyless, is said.
    func testAKeyTakenFromAnotherActionIsSaid() throws {
        let keymap = try Keymap(overrides: "approve = A\n")
        XCTAssertEqual(keymap.warning, "keys.conf: line 1 takes A from allow_always, which has no key now")
        XCTAssertNil(try Keymap(overrides: "approve = A\nallow_always = Z\n").warning, "given another key: nothing lost")
    }
}
