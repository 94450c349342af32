@testable import FactoryEngine
import Foundation
import XCTest

/// Terminal sessions read as tmux is cheapest to ask: one listing a beat, one more process
/// for every screen that moved, none for the screens that did not.
final class SessionMonitorTests: XCTestCase {
    /// Text typed into a session cannot end its bracketed paste or press keys: every control
    /// but line breaks and tabs is taken out (ESC, C1 CSI, Ctrl-C, DEL).
    func testSentTextCannotEndThePasteOrPressKeys() {
        let text = "hello \u{1B}[201~after\u{1B}[Z\u{03} ctrl\u{9B}201~c\u{7F}\nnext\tcol"
        XCTAssertEqual(TerminalSessions.pasteable(text), "hello [201~after[Z ctrl201~c\nnext\tcol")
    }

    func testAListingReadsAsPanesAndOddLinesAreSkipped() {
        let panes = SessionMonitor.panes("builder\t42\t1795670551\t0\nbad line\ntester\t43\t1795670000\t1\n")
        XCTAssertEqual(panes, [SessionMonitor.Pane(session: "builder", pid: 42, activity: 1795670551, dead: false),
                               SessionMonitor.Pane(session: "tester", pid: 43, activity: 1795670000, dead: true)])
    }

    func testChainedScreensAreCutBackBySession() {
        let m = SessionMonitor.marker
        let out = "\(m)a\(m)\nhello a\n\n\(m)b\(m)\nhello b\nsecond\n"
        XCTAssertEqual(SessionMonitor.screens(out), ["a": "hello a\n\n", "b": "hello b\nsecond\n\n"])
        XCTAssertEqual(SessionMonitor.captureAll(["a", "b"]).filter { $0 == ";" }.count, 3, "one process, its commands chained")
    }

    /// Real tmux, three sessions: the first beat reads all three; the next reads only the
    /// one that printed since; two tmux processes a beat at most.
    func testOnlyScreensThatMovedAreCapturedAgain() throws {
        guard ProcessRunner.run(["tmux", "-V"]).succeeded else { throw XCTSkip("tmux is not installed") }
        let root = NSTemporaryDirectory() + "monitor-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let sessions = TerminalSessions(root: root)
        defer { _ = sessions.run(["kill-server"]); try? FileManager.default.removeItem(atPath: root) }
        let go = root + "/go"
        for name in ["one", "two", "three"] {
            let script = name == "two" ? "echo two-ready; while [ ! -e \(go) ]; do sleep 0.05; done; echo two-later; sleep 60" : "echo \(name)-ready; sleep 60"
            try sessions.create(name, command: ["sh", "-c", script], directory: root)
        }
        var monitor = SessionMonitor(sessions: sessions)
        let watched: Set<String> = ["one", "two", "three"]
        var first = monitor.read(watching: watched, now: Date().timeIntervalSince1970)
        let deadline = Date().addingTimeInterval(5)
        while first.screens.values.filter({ $0.contains("-ready") }).count < 3 && Date() < deadline {
            usleep(100_000)
            first = monitor.read(watching: watched, now: Date().timeIntervalSince1970)
        }
        XCTAssertEqual(Set(first.screens.keys), watched)
        XCTAssertTrue(first.screens["one"]?.contains("one-ready") == true, "\(first.screens)")
        // Two seconds on, nothing has printed: a beat reads the listing only.
        Thread.sleep(forTimeInterval: 2.1)
        let runs = monitor.tmuxRuns
        let quiet = monitor.read(watching: watched, now: Date().timeIntervalSince1970)
        XCTAssertEqual(quiet.screens, [:], "nothing moved, nothing captured")
        XCTAssertEqual(monitor.tmuxRuns - runs, 1, "one tmux process for a quiet beat")
        FileManager.default.createFile(atPath: go, contents: nil)
        var later = quiet
        while later.screens["two"]?.contains("two-later") != true && Date() < deadline.addingTimeInterval(5) {
            usleep(100_000)
            later = monitor.read(watching: watched, now: Date().timeIntervalSince1970)
        }
        XCTAssertTrue(later.screens["two"]?.contains("two-later") == true)
        XCTAssertEqual(Set(later.screens.keys), ["two"], "only the session that printed")
        XCTAssertEqual(monitor.beat(now: Date().timeIntervalSince1970), SessionMonitor.fastBeat)
        XCTAssertEqual(monitor.beat(now: Date().timeIntervalSince1970 + 60), SessionMonitor.slowBeat, "a still factory is read slowly")
    }
}
