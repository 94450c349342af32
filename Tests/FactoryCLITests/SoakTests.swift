import Foundation
import XCTest

/// The soak CI can afford: `factory bench soak` for 60 s (the documented run is 10 minutes).
/// A dashboard in tmux under a message every 10 ms and `factory demo --headless` in a loop:
/// no message lost, no stuck frame, no failed demo, memory flat.
final class SoakTests: FactoryTestCase {
    func testAMinuteOfMessagesAndDemosLosesNothingAndStaysFlat() throws {
        guard TmuxSession.executable != nil else { throw missingTool("tmux") }
        let seconds = ProcessInfo.processInfo.environment["FACTORY_SOAK_SECONDS"] ?? "60"
        let r = try Factory.run(["bench", "soak", "--seconds", seconds, "--json"], scratch: scratch, deadline: (Double(seconds) ?? 60) + 120)
        let line = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let figures = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], r.summary)
        print("soak figures: \(line)")
        XCTAssertGreaterThan(figures["messages_written"] as? Int ?? 0, 500, "the writer barely wrote: \(line)")
        XCTAssertEqual(figures["messages_lost"] as? Int, 0, line)
        XCTAssertEqual(figures["messages_duplicated"] as? Int, 0, line)
        XCTAssertEqual(figures["write_errors"] as? Int, 0, line)
        XCTAssertEqual(figures["last_on_screen"] as? Bool, true, line)
        XCTAssertEqual(figures["stuck_frames"] as? Int, 0, line)
        XCTAssertGreaterThan(figures["demo_runs"] as? Int ?? 0, 0, line)
        XCTAssertEqual(figures["demo_failures"] as? Int, 0, line)
        XCTAssertEqual(figures["memory_flat"] as? Bool, true, line)
        XCTAssertEqual(r.status, 0, r.summary)
    }
}
