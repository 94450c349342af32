@testable import FactoryEngine
import XCTest

/// A read with a limit stops there, even from a command that would write forever.
final class ProcessRunnerTests: XCTestCase {
    func testALimitedReadStopsAtItsLimitAndEndsTheCommand() {
        let endless = ProcessRunner.run(["yes", "a line of output"], limit: 100_000)
        XCTAssertTrue(endless.cut)
        XCTAssertEqual(endless.stdout.utf8.count, 100_000)
        let short = ProcessRunner.run(["printf", "abc"], limit: 3)
        XCTAssertFalse(short.cut, "exactly the limit is all of it")
        XCTAssertEqual(short.stdout, "abc")
        XCTAssertTrue(short.succeeded)
    }
}
