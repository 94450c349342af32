@testable import FactoryEngine
import PlanDocument
import Foundation
import XCTest

/// Validators that try to give another role's verdict, or erase security's veto: refused
/// by the engine, put back in PLAN.md, raised — and the veto stands until the human
/// overrides it.
final class HostileVerdictTests: XCTestCase {
    /// Waits in a script until the role's copy of PLAN.md shows security's block.
    static let untilBlocked = "for i in $(seq 200); do grep -q '^❌ Critical Block$' \"$FACTORY_PLAN\" && break; sleep 0.05; done"

    /// Security blocks. The reviewer then tries to clear the block with `factory verdict
    /// security secure` and by editing security's verdict line in its copy; security itself
    /// tries to take its block back in the same round. Everything is refused or put back,
    /// the round fails on the veto, and the human's override carries it to main, recorded.
    func testTheVetoCannotBeErasedAndOnlyTheHumanOverridesIt() throws {
        let hostile = try HostileFactory([
            "security": """
                factory verdict security critical_block >>"$SAID" 2>&1
                sleep 1
                factory verdict security secure >>"$SAID" 2>&1; echo "exit $?" >>"$SAID"
                """,
            "reviewer": """
                \(HostileVerdictTests.untilBlocked)
                factory verdict security secure >>"$SAID" 2>&1; echo "exit $?" >>"$SAID"
                sed -i 's/^❌ Critical Block$/✅ Secure/' "$FACTORY_PLAN"
                sleep 0.5
                factory verdict review approved >>"$SAID" 2>&1
                """,
        ])
        defer { hostile.remove() }
        let engine = try hostile.engine(autoApprove: true, validationRetries: 0)
        defer { engine.shutdown() }
        try engine.start(feature: "Veto")
        engine.drive()
        let blocked = try XCTUnwrap(waitFor(engine, timeout: 60) { $0.phase == .blocked })
        XCTAssertEqual(blocked.blockedReason, "validation failed 1 times (security: critical block)")

        let reviewer = hostile.said("reviewer")
        XCTAssertTrue(reviewer.contains("Error: only the security agent gives the security verdict; the reviewer cannot\nexit 1"), reviewer)
        XCTAssertTrue(reviewer.contains("review verdict recorded: approved"), reviewer)
        let security = hostile.said("security")
        XCTAssertTrue(security.contains("Error: security's critical block stands for this round"), security)
        let alerts = trustAlerts(blocked)
        XCTAssertTrue(alerts.contains("The reviewer tried to give the security verdict secure; refused"), "\(alerts)")
        XCTAssertTrue(alerts.contains { $0.hasPrefix("The reviewer changed the security's Security Audit section of PLAN.md; that change was left out (its copy is kept as .agent-comms/run/reviewer/plan/PLAN.md.refused-") },
                      "\(alerts)")
        XCTAssertTrue(hostile.events.contains("\"kind\":\"veto\""), "the veto is an event")
        let audit = try PlanFile(path: hostile.paths.plan).read().view.verdicts.last { $0.kind == .security }
        XCTAssertEqual(audit?.verdict, "critical_block", "PLAN.md shows the block")

        XCTAssertThrowsError(try engine.perform(.override(reason: "x"), by: .agent(role: "builder", runID: nil))) {
            XCTAssertEqual("\($0)", "only the human can override")
        }
        XCTAssertEqual(try engine.perform(.override(reason: "accepted: the input is trusted here")),
                       "security's critical block overridden: accepted: the input is trusted here")
        XCTAssertNotNil(waitFor(engine, timeout: 60) { $0.phase == .done })
        let history = try String(contentsOfFile: hostile.paths.root + "/.agent-comms/HISTORY.md", encoding: .utf8)
        XCTAssertTrue(history.contains("**Override:** security's critical block was set aside by the human: accepted: the input is trusted here"), history)
        XCTAssertTrue(hostile.events.contains("\"kind\":\"overridden\""))
    }

    /// A validator's verdict written into PLAN.md by hand — its own or another's — does not
    /// count: the gate waits for `factory verdict` from each role.
    func testVerdictsWrittenIntoPlanDoNotPassTheGate() throws {
        let hostile = try HostileFactory([
            "tester": """
                sed -i 's/✅ Tests Pass | ❌ Needs Fixes/✅ Tests Pass/; s/✅ Approved | ❌ Changes Requested/✅ Approved/; s/✅ Secure | ⚠️ Issues Found | ❌ Critical Block/✅ Secure/' "$FACTORY_PLAN"
                sleep 1
                """,
        ])
        defer { hostile.remove() }
        let engine = try hostile.engine(autoApprove: true, validationRetries: 0)
        defer { engine.shutdown() }
        try engine.start(feature: "Forged")
        engine.drive()
        let blocked = try XCTUnwrap(waitFor(engine, timeout: 60) { $0.phase == .blocked })
        XCTAssertEqual(blocked.blockedReason?.hasPrefix("tester did not finish its work in 1 attempt"), true, blocked.blockedReason ?? "")
        let alerts = trustAlerts(blocked)
        XCTAssertTrue(alerts.contains("The tester wrote pass as the tests verdict in PLAN.md; a verdict counts only through factory verdict, so it was put back to undecided"), "\(alerts)")
        let tests = try PlanFile(path: hostile.paths.plan).read().view.verdicts.last { $0.kind == .tests }
        XCTAssertEqual(tests?.verdict, "undecided")
    }

    /// The human gives the tests verdict while the tester works: the tester's own, later,
    /// does not replace the human's.
    func testTheHumansVerdictStandsForItsRound() throws {
        let hostile = try HostileFactory(["tester": """
            while [ ! -e "$FACTORY_RUN_DIR/home/go" ]; do sleep 0.05; done
            factory verdict tests pass >>"$SAID" 2>&1; echo "exit $?" >>"$SAID"
            """])
        defer { hostile.remove() }
        let engine = try hostile.engine(autoApprove: true, validationRetries: 0)
        defer { engine.shutdown() }
        try engine.start(feature: "Human first")
        engine.drive()
        XCTAssertNotNil(waitFor(engine, timeout: 60) { $0.phase == .validation && $0.agents.contains { $0.role == "tester" && $0.state.isActive } })
        XCTAssertEqual(try engine.perform(.verdict(kind: .tests, subject: "", verdict: "needs_fixes")), "tests verdict recorded: needs fixes")
        try Data().write(to: URL(fileURLWithPath: hostile.paths.run("tester").path + "/home/go"))
        let blocked = try XCTUnwrap(waitFor(engine, timeout: 60) { $0.phase == .blocked })
        XCTAssertEqual(blocked.blockedReason, "validation failed 1 times (tests: needs fixes)")
        XCTAssertTrue(hostile.said("tester").contains("Error: the human gave the tests verdict this round (needs fixes); it stands\nexit 1"), hostile.said("tester"))
    }
}
