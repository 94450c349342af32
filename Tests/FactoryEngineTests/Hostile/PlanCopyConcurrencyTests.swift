@testable import FactoryEngine
import Foundation
import PlanDocument
import XCTest

/// Agents writing their copies of PLAN.md at the same moment, as the three validators do:
/// every line each wrote arrives once, no task ID is taken twice, nobody is blamed for
/// another's line — and a copy made a link is never written through.
final class PlanCopyConcurrencyTests: XCTestCase {
    static func validator(_ role: String, _ kind: String, _ verdict: String) -> String {
        """
        factory verdict \(kind) \(verdict) >>"$SAID" 2>&1
        factory say --from \(role) --to builder "Findings from \(role)" >>"$SAID" 2>&1
        factory task add --agent \(role) --priority P2 "Follow-up from \(role)" >>"$SAID" 2>&1
        factory say --from \(role) --to all "Done, says \(role)" >>"$SAID" 2>&1
        """
    }

    func testValidatorsWritingAtOnceLoseAndRepeatNothing() throws {
        for round in 0..<3 {
            let hostile = try HostileFactory([
                "tester": Self.validator("tester", "tests", "pass"),
                "reviewer": Self.validator("reviewer", "review", "approved"),
                "security": Self.validator("security", "security", "secure"),
            ])
            defer { hostile.remove() }
            let engine = try hostile.engine(autoApprove: true)
            defer { engine.shutdown() }
            try engine.start(feature: "Together \(round)")
            engine.drive()
            let done = try XCTUnwrap(waitFor(engine, timeout: 60) { $0.phase == .done || $0.phase == .blocked })
            XCTAssertEqual(done.phase, .done, "round \(round): \(done.blockedReason ?? "")")
            let plan = try PlanFile(path: hostile.paths.plan).read()
            for role in ["tester", "reviewer", "security"] {
                for body in ["Findings from \(role)", "Done, says \(role)"] {
                    XCTAssertEqual(plan.view.messages.filter { $0.body == body }.count, 1, "round \(round): \(body)")
                }
                XCTAssertEqual(plan.view.tasks.filter { $0.description == "Follow-up from \(role)" }.count, 1, "round \(round): \(role)'s task")
            }
            let ids = plan.view.tasks.map(\.id)
            XCTAssertEqual(ids.count, Set(ids).count, "round \(round): a task ID taken twice: \(ids)")
            XCTAssertEqual(trustAlerts(done), [], "round \(round): nobody tampered")
        }
    }

    /// The builder replaces its copy with a link to a file it cannot write; the engine's next
    /// refresh must not write PLAN.md through it.
    func testACopyMadeALinkIsNeverWrittenThrough() throws {
        let victim = NSTemporaryDirectory() + "factory-victim-\(UUID().uuidString)"
        try "the user's own file\n".write(toFile: victim, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: victim) }
        let hostile = try HostileFactory(["builder": """
            rm -f "$FACTORY_PLAN" && ln -s '\(victim)' "$FACTORY_PLAN"
            sleep 5
            """])
        defer { hostile.remove() }
        let engine = try hostile.engine(autoApprove: true)
        defer { engine.shutdown() }
        try engine.start(feature: "Linked")
        engine.drive()
        let raised = try XCTUnwrap(waitFor(engine, timeout: 30) { snap in trustAlerts(snap).contains { $0.contains("in place of its copy of PLAN.md") } })
        XCTAssertTrue(trustAlerts(raised).contains { $0.hasPrefix("The builder put something other than a file in place of its copy of PLAN.md") }, "\(trustAlerts(raised))")
        try engine.perform(.tell(role: "builder", text: "PLAN.md changes: every copy is refreshed"))
        _ = try engine.perform(.tell(role: "builder", text: "and again"))
        XCTAssertEqual(try String(contentsOfFile: victim, encoding: .utf8), "the user's own file\n")
        var st = stat()
        XCTAssertEqual(lstat(hostile.paths.run("builder").planCopy, &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFREG, "a fresh copy, a file")
    }
}
