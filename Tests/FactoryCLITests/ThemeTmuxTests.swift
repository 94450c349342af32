import Foundation
import XCTest

extension DashboardTmuxTests {
    /// `t` goes through every built-in theme, and back to the first.
    func testTCyclesThroughEveryTheme() throws {
        let repo = try makeSimRepo()
        let t = try open([], width: 120, height: 40, cwd: repo)
        try t.waitFor("the dashboard") { $0.contains("┌ agents") }
        var seen: [String] = []
        for _ in 0..<6 {
            try t.send("t")
            let screen = try t.waitFor("the next theme's notice") { Self.themeNotice($0).map { $0 != seen.last } ?? false }
            seen.append(Self.themeNotice(screen) ?? "")
        }
        XCTAssertEqual(seen.sorted(), ["default", "gruvbox", "high-contrast", "light", "mono", "solarized-dark"], "\(seen)")
        try t.send("q")
        XCTAssertEqual(try t.waitForExit().status, 0)
    }

    /// The theme named in the status bar's notice (`theme gruvbox`), not the key hint's word.
    static func themeNotice(_ screen: String) -> String? {
        guard let match = screen.firstMatch(of: /theme ([a-z][a-z-]*)/) else { return nil }
        return String(match.1)
    }
}

extension DashboardTmuxTests {
    /// A feature started without a shell: S asks what to build, Enter starts it, the
    /// architect plans it.
    func testSStartsAFeatureFromTheDashboard() throws {
        let repo = try makeSimRepo()
        let t = try open([], width: 120, height: 40, cwd: repo)
        try t.waitFor("the dashboard, idle") { $0.contains("┌ agents") && $0.contains("idle") }
        try t.press("S")
        try t.waitFor("the feature prompt") { $0.contains("Start a feature; what should the team build? ") }
        try t.send("-l", "Add a greeting")
        try t.send("Enter")
        try t.waitFor("the feature started") { $0.contains("started \"Add a greeting\"") }
        let plan = try String(contentsOfFile: repo + "/.agent-comms/PLAN.md", encoding: .utf8)
        XCTAssertTrue(plan.contains("New feature: Add a greeting"), plan)
        try t.send("q")
        XCTAssertEqual(try t.waitForExit().status, 0)
    }
}
