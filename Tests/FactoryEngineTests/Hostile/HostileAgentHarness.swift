@testable import FactoryEngine
import Foundation
import XCTest

/// A factory whose chosen roles are hostile agents: shell scripts run by the real engine
/// under their real keepers, calling the real `factory` (first on their PATH) and writing
/// their own copies of PLAN.md. The other roles are the simulated agent.
struct HostileFactory {
    let factory: SimFactory
    var paths: WorkspacePaths { factory.paths }

    /// `scripts`: each role's shell script. What the script's commands print goes to
    /// `said(role)` when it writes there (`>>"$SAID" 2>&1`).
    init(_ scripts: [String: String]) throws {
        var overrides: [String: String] = [:]
        let temp = try SimFactory()
        for (role, script) in scripts {
            let file = temp.paths.root + "/.hostile-\(role).sh"
            // In its run folder's home: a confined agent can write there, not in the checkout.
            let said = temp.paths.run(role).home + "/said"
            try "set -u\nSAID='\(said)'\nmkdir -p \"${SAID%/*}\"\n\(script)\n".write(toFile: file, atomically: true, encoding: .utf8)
            overrides[role] = "command: [\"sh\", \"\(file)\"]\nretries: 0"
        }
        for (role, front) in overrides {
            try "---\n\(front)\n---\n# \(role)\n".write(toFile: "\(temp.paths.agents)/\(role).md", atomically: true, encoding: .utf8)
        }
        factory = temp
    }

    func engine(autoApprove: Bool = false, validationRetries: Int = 2) throws -> Engine {
        try factory.engine(autoApprove: autoApprove, validationRetries: validationRetries)
    }

    /// What the role's script recorded of its commands' output.
    func said(_ role: String) -> String {
        (try? String(contentsOfFile: paths.run(role).home + "/said", encoding: .utf8)) ?? ""
    }

    var plan: String { (try? String(contentsOfFile: paths.plan, encoding: .utf8)) ?? "" }
    var events: String { (try? String(contentsOfFile: paths.events, encoding: .utf8)) ?? "" }

    /// The approval box as PLAN.md shows it.
    var approvalTicked: Bool { plan.contains("- [x] Human approved the plan") }

    func remove() { factory.remove() }
}

/// The simulated agent's own work for a role, as a line of a hostile script.
func simWork(_ role: String) -> String {
    "factory agent-sim --role \(role) --plan \"$FACTORY_PLAN\" >>\"$SAID\" 2>&1"
}

/// Trust alerts on the snapshot, as text.
func trustAlerts(_ snapshot: Snapshot) -> [String] {
    snapshot.attention.filter { $0.kind == .trust }.map(\.message)
}

/// Waits until `condition` holds for the engine's snapshot, then checks it goes on holding
/// for `seconds` (every snapshot in that time, not one at the end).
func holds(_ engine: Engine, for seconds: Double, file: StaticString = #filePath, line: UInt = #line,
           _ condition: (Snapshot) -> Bool) {
    let until = Date().addingTimeInterval(seconds)
    while Date() < until {
        let snap = engine.snapshot(refreshing: false)
        XCTAssertTrue(condition(snap), "phase \(snap.phase.rawValue)", file: file, line: line)
        if !condition(snap) { return }
        usleep(50_000)
    }
}
