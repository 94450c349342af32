import Foundation
import XCTest

/// The dashboard on a machine without bubblewrap: it says so once, with the fix, and marks
/// the agents that will run unconfined.
extension DashboardTmuxTests {
    func testWithoutBubblewrapTheDashboardSaysSoWithTheFix() throws {
        let repo = try makeSimRepo()
        let t = try open([], width: 160, height: 40, extraEnvironment: ["FACTORY_BWRAP": "/nonexistent/bwrap"], cwd: repo)
        try t.waitFor("the notice, with the fix") { $0.contains("agents are not confined: bubblewrap is not installed (apt-get install bubblewrap)") }
        try t.waitFor("every agent marked") { screen in screen.split(separator: "\n").filter { $0.contains("unconfined") }.count == 6 }
    }
}
