@testable import FactoryEngine
import Foundation
import XCTest

/// HISTORY.md is factory's record of what was merged and why: an agent that rewrites it on
/// its branch does not rewrite it on main.
final class HostileHistoryTests: XCTestCase {
    func testAnAgentsEditOfHistoryIsLeftOutOfTheMerge() throws {
        let hostile = try HostileFactory(["docwriter": """
            \(simWork("docwriter"))
            printf '# History\\n\\nNothing ever went wrong here.\\n' > .agent-comms/HISTORY.md
            git add .agent-comms/HISTORY.md && git commit -q -m "Tidy the history" >>"$SAID" 2>&1
            """])
        defer { hostile.remove() }
        let before = try String(contentsOfFile: hostile.paths.history, encoding: .utf8)
        let engine = try hostile.engine(autoApprove: true)
        defer { engine.shutdown() }
        try engine.start(feature: "Honest history")
        engine.drive()
        let done = try XCTUnwrap(waitFor(engine, timeout: 60) { $0.phase == .done })
        let history = try Git(hostile.paths.root).output(["show", "main:.agent-comms/HISTORY.md"])
        XCTAssertTrue(history.hasPrefix(before.trimmingCharacters(in: .newlines)), history)
        XCTAssertFalse(history.contains("Nothing ever went wrong here."), history)
        XCTAssertTrue(history.contains("— Honest history"), "the merge's own entry is there")
        XCTAssertTrue(trustAlerts(done).contains("The docwriter's branch changed .agent-comms/HISTORY.md; it is factory's record, so that change was left out of the merge"),
                      "\(trustAlerts(done))")
    }
}
