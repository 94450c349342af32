import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// Commands from other processes to the driving engine: over its socket, each answered.
final class CommandChannelTests: FactoryTestCase {
    /// 8 processes send 10 messages each at once: all 80 arrive, each once.
    func testConcurrentCommandsAllArriveOnce() throws {
        let repo = try makeSimRepo()
        let driver = try startDriver(in: repo)
        defer { driver.terminate() }
        let failures = Locked<[String]>([])
        let scratch = self.scratch
        DispatchQueue.concurrentPerform(iterations: 8) { p in
            for i in 0..<10 {
                do {
                    let r = try Factory.run(["tell", "builder", "note p\(p) i\(i)"], cwd: repo, scratch: scratch)
                    if r.status != 0 || r.stdout != "message sent to builder\n" { failures.with { $0.append(r.summary) } }
                } catch {
                    failures.with { $0.append("\(error)") }
                }
            }
        }
        XCTAssertEqual(failures.get, [], "every command answered yes")
        let plan = try String(contentsOfFile: repo + "/.agent-comms/PLAN.md", encoding: .utf8)
        for p in 0..<8 {
            for i in 0..<10 {
                XCTAssertEqual(plan.components(separatedBy: "note p\(p) i\(i)\n").count - 1, 1, "note p\(p) i\(i) once")
            }
        }
        XCTAssertEqual(plan.components(separatedBy: "### Human → Builder").count - 1, 80)
    }

    /// A client that connects and says nothing, and one that sends garbage, hold nobody up.
    func testSilentAndGarbledClientsDoNotBlockOthers() throws {
        let repo = try makeSimRepo()
        let driver = try startDriver(in: repo)
        defer { driver.terminate() }
        let socketPath = repo + "/.agent-comms/engine.sock"
        let silent = try connect(socketPath)
        defer { close(silent) }
        let garbled = try connect(socketPath)
        defer { close(garbled) }
        _ = "{\"no such\": command}\n".withCString { write(garbled, $0, strlen($0)) }
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = read(garbled, &buffer, buffer.count)
        XCTAssertEqual(String(decoding: buffer.prefix(max(0, n)), as: UTF8.self), "{\"message\":\"not a factory command\",\"ok\":false}\n")
        let r = try ok("tell", "architect", "still heard", cwd: repo)
        XCTAssertEqual(r.stdout, "message sent to architect\n")
    }

    /// Unknown roles are one-line errors that list the roles, whoever runs the command.
    func testUnknownRolesAreRefusedWithTheList() throws {
        let repo = try makeSimRepo()
        let roles = "architect, builder, tester, reviewer, security, docwriter"
        for (args, wanted) in [(["kill", "wizard"], "Error: no role \"wizard\" (roles: \(roles))\n"),
                               (["spawn", "wizard"], "Error: no role \"wizard\" (roles: \(roles))\n"),
                               (["restart", "wizard"], "Error: no role \"wizard\" (roles: \(roles))\n"),
                               (["tell", "nobody", "hi"], "Error: no role \"nobody\" (roles: \(roles), all)\n")] {
            let r = try factory(args, cwd: repo)
            XCTAssertEqual(r.status, 1, r.summary)
            XCTAssertEqual(r.stderr, wanted, r.summary)
        }
        // The same answers from a driving engine.
        let driver = try startDriver(in: repo)
        defer { driver.terminate() }
        let r = try factory(["kill", "wizard"], cwd: repo)
        XCTAssertEqual(r.stderr, "Error: no role \"wizard\" (roles: \(roles))\n", r.summary)
        let idle = try factory(["kill", "builder"], cwd: repo)
        XCTAssertEqual(idle.stderr, "Error: builder is not running\n", idle.summary)
    }

    /// PLAN.md deleted under a driving engine: commands still find the factory by its
    /// engine's files, reach the engine and hear what is wrong.
    func testWithPlanGoneCommandsStillReachTheEngine() throws {
        let repo = try makeSimRepo()
        let driver = try startDriver(in: repo)
        defer { driver.terminate() }
        try FileManager.default.removeItem(atPath: repo + "/.agent-comms/PLAN.md")
        let deadline = Date().addingTimeInterval(10)
        var status = try factory(["status"], cwd: repo)
        while !status.stdout.contains("PLAN.md") && Date() < deadline { usleep(50_000); status = try factory(["status"], cwd: repo) }
        XCTAssertEqual(status.status, 0, status.summary)
        XCTAssertTrue(status.stdout.contains("! plan:") && status.stdout.contains("PLAN.md"), status.summary)
        XCTAssertTrue(status.stdout.contains("engine: driven by"), status.summary)
        let budget = try factory(["budget", "5"], cwd: repo)
        XCTAssertFalse(budget.stderr.contains("no factory here"), budget.summary)
    }

    /// Ctrl-\ (SIGQUIT) stops a headless driver as Ctrl-C does, instead of a backtrace and
    /// going on.
    func testQuitSignalStopsAHeadlessDriver() throws {
        let repo = try makeSimRepo()
        let driver = try startDriver(in: repo)
        kill(driver.processIdentifier, SIGQUIT)
        let deadline = Date().addingTimeInterval(10)
        while driver.isRunning && Date() < deadline { usleep(20_000) }
        XCTAssertFalse(driver.isRunning, "still driving after SIGQUIT")
        if driver.isRunning { driver.terminate() } else { XCTAssertEqual(driver.terminationStatus, 130) }
    }

    /// Merging is the last gate, not a way around the others.
    func testMergeBeforeDocumentationIsRefusedAndMainStays() throws {
        let repo = try makeSimRepo()
        let head = try String(contentsOfFile: repo + "/.git/refs/heads/main", encoding: .utf8)
        try ok("start", "Not yet", cwd: repo)
        let r = try factory(["merge"], cwd: repo)
        XCTAssertEqual(r.status, 1, r.summary)
        XCTAssertEqual(r.stderr, "Error: nothing to merge yet: the feature is at planning; merging follows documentation\n", r.summary)
        XCTAssertEqual(try String(contentsOfFile: repo + "/.git/refs/heads/main", encoding: .utf8), head, "main has not moved")
    }

    /// The feature's budget from the command line, from PLAN.md's field, changed and lifted;
    /// amounts that are not amounts are one-line errors.
    func testTheBudgetIsSetShownAndChanged() throws {
        let repo = try makeSimRepo()
        for (args, wanted) in [(["start", "x", "--budget-usd", "0"], "--budget-usd must be an amount above 0 and up to 1000000, like 5 or 0.50"),
                               (["budget", "lots"], "\"lots\" is not an amount of USD above 0 and up to 1000000 (like 5, 0.50 or $5), or none")] {
            let r = try factory(args, cwd: repo)
            XCTAssertEqual(r.status, 1, r.summary)
            XCTAssertEqual(r.stderr, "Error: \(wanted)\n", r.summary)
        }
        try ok("field", "Budget", "$2.50", cwd: repo)
        XCTAssertEqual(try ok("start", "Priced", cwd: repo).stdout, "started \"Priced\" (budget $2.50): the architect plans it\n")
        XCTAssertTrue(try ok("status", cwd: repo).stdout.contains("cost: $0.0000 of a $2.50 budget\n"))
        XCTAssertEqual(try ok("budget", "$7", cwd: repo).stdout, "budget $7.00; the feature has spent $0.0000\n")
        let json = try JSONSerialization.jsonObject(with: Data(try ok("status", "--json", cwd: repo).stdout.utf8)) as? [String: Any]
        XCTAssertEqual(json?["budgetUSD"] as? Double, 7)
        XCTAssertEqual(try ok("budget", "none", cwd: repo).stdout, "no budget; the feature has spent $0.0000\n")
        let lifted = try JSONSerialization.jsonObject(with: Data(try ok("status", "--json", cwd: repo).stdout.utf8)) as? [String: Any]
        XCTAssertTrue(lifted?["budgetUSD"] is NSNull, "null when there is none")
    }

    /// A role file that does not parse is a problem shown with the others, not a factory that
    /// cannot open: status works, says which file and why, the role cannot start, and the
    /// fixed file counts at once.
    func testABrokenRoleFileIsShownNotFatal() throws {
        let repo = try makeSimRepo()
        let file = repo + "/agents/builder.md"
        let good = try String(contentsOfFile: file, encoding: .utf8)
        try good.replacingOccurrences(of: "retries: 3", with: "retries: [oops").write(toFile: file, atomically: true, encoding: .utf8)
        let status = try ok("status", cwd: repo).stdout
        let line = status.split(separator: "\n").first { $0.hasPrefix("! role_file: ") }.map(String.init) ?? ""
        XCTAssertTrue(line.hasPrefix("! role_file: agents/builder.md: front matter is not valid YAML"), status)
        XCTAssertEqual(line.components(separatedBy: "agents/builder.md").count - 1, 1, "the file named once: \(line)")
        let spawn = try factory(["spawn", "builder"], cwd: repo)
        XCTAssertEqual(spawn.status, 1, spawn.summary)
        XCTAssertTrue(spawn.stderr.hasPrefix("Error: could not start builder: agents/builder.md: front matter is not valid YAML"), spawn.summary)
        try good.replacingOccurrences(of: "retries: 3", with: "retries: abc").write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertTrue(try ok("status", cwd: repo).stdout.contains("! role_file: agents/builder.md: retries must be a whole number of restarts, like 2, got \"abc\""))
        try good.write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertFalse(try ok("status", cwd: repo).stdout.contains("role_file"))
    }

    /// `status` says whether anything drives the factory.
    func testStatusSaysWhoDrives() throws {
        let repo = try makeSimRepo()
        XCTAssertTrue(try ok("status", cwd: repo).stdout.contains("engine: nothing drives this factory"))
        let driver = try startDriver(in: repo)
        defer { driver.terminate() }
        XCTAssertTrue(try ok("status", cwd: repo).stdout.contains("engine: driven by pid \(driver.processIdentifier)"))
        let json = try JSONSerialization.jsonObject(with: Data(try ok("status", "--json", cwd: repo).stdout.utf8)) as? [String: Any]
        XCTAssertEqual(json?["drivenBy"] as? Int, Int(driver.processIdentifier))
    }

    private func connect(_ path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8)
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else { throw CLIHarnessError.missingBinary("socket \(path): \(String(cString: strerror(errno)))") }
        return fd
    }
}
