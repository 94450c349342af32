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

extension DashboardTmuxTests {
    /// A key rebound in keys.conf shows in the status bar, the gate hint and the help, and works.
    func testAReboundApproveKeyShowsEverywhereAndWorks() throws {
        let repo = try makeSimRepo()
        try FileManager.default.createDirectory(atPath: root + "/config/factory", withIntermediateDirectories: true)
        try "approve = Y\n".write(toFile: root + "/config/factory/keys.conf", atomically: true, encoding: .utf8)
        try ok("start", "Add a greeting", cwd: repo)
        let t = try open([], width: 160, height: 40, cwd: repo)
        let gate = try t.waitFor("the plan at the gate", timeout: 30) { $0.contains("plan awaits you") }
        XCTAssertTrue(gate.contains("plan awaits you: [Y] approve"), gate)
        XCTAssertTrue(lines(gate).last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?.contains("Y approve") == true, gate)
        try t.send("?")
        let help = try t.waitFor("the help") { $0.contains("keys (? or Esc to close)") }
        XCTAssertTrue(lines(help).contains { $0.contains("Y ") && $0.contains("approve the plan") }, help)
        try t.send("?")
        try t.press("Y")
        try t.waitFor("the plan approved", timeout: 30) { $0.contains("plan approved") || $0.contains("✓ approve") }
        try t.send("q")
        XCTAssertEqual(try t.waitForExit().status, 0)
    }
}
