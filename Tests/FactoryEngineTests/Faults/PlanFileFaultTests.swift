@testable import FactoryEngine
import Foundation
import PlanDocument
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// PLAN.md and state.json under faults from outside: a pipe in PLAN.md's place, a file the
/// process may not read, an editor's rename, writers that do not take the lock, a full disk.
/// (Deleted, emptied, cut short, a directory: PlanHealthTests.)
final class PlanFileFaultTests: XCTestCase {
    /// A named pipe in PLAN.md's place has no writer: opening it to read would wait forever,
    /// and with it the engine's queue. It is reported as not a file, and the engine answers.
    func testAPlanReplacedByAPipeIsReportedNotWaitedOn() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let engine = try factory.engine(autoApprove: false)
        try engine.start(feature: "Piped")
        engine.drive()
        XCTAssertNotNil(waitFor(engine) { $0.phase == .awaitingApproval })
        let plan = factory.paths.plan
        try FileManager.default.removeItem(atPath: plan)
        XCTAssertEqual(mkfifo(plan, 0o644), 0)
        // Whatever happens, a reader stuck on the pipe is let go, so the test cannot hang.
        defer {
            let fd = open(plan, O_WRONLY | O_NONBLOCK)
            if fd >= 0 { close(fd) }
            engine.shutdown()
        }
        let reported = waitFor(engine, timeout: 5) { PlanHealthTests.attention($0).contains("not a regular file") }
        XCTAssertNotNil(reported, "the pipe is reported")
        // A write is refused at once (off this thread, so a regression fails instead of hanging).
        let refused = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            do { try PlanFile(path: plan).update(.appendMessage(from: "Human", to: ["Builder"], body: "x", time: "t")) } catch {
                if "\(error)".contains("not a regular file") { refused.signal() }
            }
        }
        XCTAssertEqual(refused.wait(timeout: .now() + 5), .success, "a write is refused as not a regular file")
        var st = stat()
        XCTAssertTrue(stat(plan, &st) == 0 && (st.st_mode & S_IFMT) == S_IFIFO, "the pipe is left as it is")
    }

    /// Root reads any file, so the factory runs without the capabilities that let it
    /// (`setpriv` drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH): a PLAN.md it may not read
    /// is a one-line error that names the cause, and nothing is written.
    func testAnUnreadablePlanIsAOneLineErrorAndStaysAsItIs() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let plan = factory.paths.plan
        let before = try Data(contentsOf: URL(fileURLWithPath: plan))
        XCTAssertEqual(chmod(plan, 0), 0)
        defer { chmod(plan, 0o644) }
        let drop = ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search"]
        guard ProcessRunner.run(drop + ["true"]).succeeded else { throw XCTSkip("setpriv cannot drop capabilities here") }
        for args in [["plan"], ["say", "--from", "builder", "--to", "architect", "hello"]] {
            let result = ProcessRunner.run(drop + [SimFactory.factoryBinary] + args, in: factory.repo.path)
            XCTAssertFalse(result.succeeded, "factory \(args[0]) fails")
            XCTAssertTrue(result.stderr.contains("PLAN.md: Permission denied"), "factory \(args[0]): \(result.stderr)")
        }
        // status reports on the whole factory: PLAN.md's problem is one of its lines.
        let status = ProcessRunner.run(drop + [SimFactory.factoryBinary, "status"], in: factory.repo.path)
        XCTAssertTrue(status.stdout.contains("cannot read .agent-comms/PLAN.md: Permission denied"), status.stdout + status.stderr)
        chmod(plan, 0o644)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: plan)), before, "nothing written")
    }

    /// An editor saves the way vim does (a new file renamed over PLAN.md): the engine reads
    /// the new file, and its next write keeps what the editor wrote.
    func testAnEditorsRenameIsReadAndKeptByTheEnginesNextWrite() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let engine = try factory.engine(autoApprove: false)
        defer { engine.shutdown() }
        try engine.start(feature: "Edited")
        engine.drive()
        XCTAssertNotNil(waitFor(engine) { $0.phase == .awaitingApproval })
        let plan = factory.paths.plan
        let edited = try PlanFile(path: plan).read()
            .applying([.appendMessage(from: "Human", to: ["Architect"], body: "typed in the editor", time: "t")])
        let temp = plan + "~"
        try Data(edited.bytes).write(to: URL(fileURLWithPath: temp))
        XCTAssertEqual(rename(temp, plan), 0)
        XCTAssertNotNil(waitFor(engine) { $0.plan.messages.contains { $0.body == "typed in the editor" } }, "the engine read the edit")
        try engine.perform(.tell(role: "builder", text: "sent by the engine"))
        let after = try PlanFile(path: plan).read().view.messages.map(\.body)
        XCTAssertTrue(after.contains("typed in the editor"), "the editor's text survives the engine's write")
        XCTAssertTrue(after.contains("sent by the engine"))
    }

    /// 8 processes append to PLAN.md in place (`>>`, no lock) while factory edits it under
    /// its lock: every line of both sides is there, once.
    func testUnlockedAppendersAndFactoryEditsLoseNothing() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let plan = factory.paths.plan
        let script = #"for i in $(seq 1 $2); do printf '\nappended w%s m%s\n' "$1" "$i" >> "$3"; done"#
        let (writers, perWriter, edits) = (8, 60, 60)
        let found = try race(plan: plan, edits: edits) { w in ["sh", "-c", script, "sh", "\(w)", "\(perWriter)", plan] }
        let text = String(decoding: found, as: UTF8.self)
        assertEach(in: text, (1...writers).flatMap { w in (1...perWriter).map { "appended w\(w) m\($0)\n" } })
        assertEach(in: text, (0..<edits).map { "factory edit \($0)\n" })
    }

    /// 8 processes rewrite PLAN.md the way scripts and editors do — read it, add a line,
    /// write a new file and rename it over PLAN.md — with no lock of factory's (they only
    /// keep out of each other's way). Factory's writes meanwhile must never replace a file
    /// one of them has written: every one of their lines is there, once.
    func testRenamingWritersAreNeverClobberedByFactory() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let plan = factory.paths.plan
        let script = """
        import fcntl, os, sys, time
        w, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
        for i in range(1, n + 1):
            with open(path + ".writers", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                data = open(path, "rb").read() + b"\\nrenamed w%s m%d\\n" % (w.encode(), i)
                temp = "%s.w%s.tmp" % (path, w)
                with open(temp, "wb") as f:
                    f.write(data)
                os.rename(temp, path)
            time.sleep(0.005)
        """
        let (writers, perWriter, edits) = (8, 25, 50)
        let found = try race(plan: plan, edits: edits) { w in ["python3", "-c", script, "\(w)", "\(perWriter)", plan] }
        let text = String(decoding: found, as: UTF8.self)
        assertEach(in: text, (1...writers).flatMap { w in (1...perWriter).map { "renamed w\(w) m\($0)\n" } })
        let kept = (0..<edits).filter { text.contains("factory edit \($0)\n") }.count
        print("PlanFileFaultTests: \(kept) of \(edits) factory edits outlived writers that do not look before they rename")
    }

    /// The disk fills up under `.agent-comms` (a 1 MB tmpfs there): state.json and PLAN.md
    /// cannot be written. The engine says so, the last state.json and PLAN.md stay whole and
    /// no temporary file is left taking room; once there is room, the next save goes through.
    func testAFullDiskKeepsTheLastStateWhole() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let comms = factory.paths.comms
        try FullDisk.mount(over: comms)
        defer { FullDisk.unmount(comms) }
        let engine = try factory.engine(autoApprove: false)
        defer { engine.shutdown() }
        let errors = Failures()
        engine.subscribeEvents { if $0.kind == .error { errors.add($0.message) } }
        try engine.start(feature: "Full")
        engine.drive()
        XCTAssertNotNil(waitFor(engine) { $0.phase == .awaitingApproval })
        _ = try engine.perform(.budget(usd: 5))
        let before = try Data(contentsOf: URL(fileURLWithPath: factory.paths.state))
        XCTAssertEqual(StateStore(path: factory.paths.state).load()?.budgetUSD, 5)

        try FullDisk.fill(comms)
        _ = try? engine.perform(.budget(usd: 7))
        XCTAssertTrue(errors.all.contains { $0?.hasPrefix("cannot save state") ?? false }, "the failure is reported: \(errors.all)")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: factory.paths.state)), before, "the last state.json, whole")
        let left = try FileManager.default.contentsOfDirectory(atPath: comms).filter { $0.hasPrefix("state.json") || $0.hasPrefix(".state.json") }
        XCTAssertEqual(left, ["state.json"], "no temporary file left behind")
        // PLAN.md too: the write fails with the cause, and the file is left as it was.
        let plan = try Data(contentsOf: URL(fileURLWithPath: factory.paths.plan))
        XCTAssertThrowsError(try engine.perform(.tell(role: "builder", text: "no room"))) {
            XCTAssertTrue("\($0)".contains("No space left on device"), "\($0)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: factory.paths.plan)), plan, "PLAN.md whole")
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: comms).contains { $0.hasSuffix(".tmp") }, "no temporary file left")

        try FileManager.default.removeItem(atPath: comms + "/filler")
        _ = try engine.perform(.budget(usd: 9))
        XCTAssertEqual(StateStore(path: factory.paths.state).load()?.budgetUSD, 9, "saved again once there is room")
    }

    /// A state.json cut short or garbled from outside is never read as "nothing happened"
    /// and overwritten: the driver moves it aside, says so, and starts from a fresh record.
    func testAnUnreadableStateIsSetAsideAndReported() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let garbage = Data("{\"phase\": \"implementation\", \"feature\": \"Half writ".utf8)
        try garbage.write(to: URL(fileURLWithPath: factory.paths.state))
        let engine = try factory.engine(autoApprove: false)
        defer { engine.shutdown() }
        engine.drive()
        let seen = waitFor(engine, timeout: 5) { PlanHealthTests.attention($0).contains("state.json is not a record factory can read; kept as state.json.unreadable-") }
        XCTAssertNotNil(seen, "reported: \(PlanHealthTests.attention(engine.snapshot()))")
        let aside = try FileManager.default.contentsOfDirectory(atPath: factory.paths.comms).filter { $0.hasPrefix("state.json.unreadable-") }
        XCTAssertEqual(aside.count, 1)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: factory.paths.comms + "/" + aside[0])), garbage, "the old record, byte for byte")
        try engine.start(feature: "Fresh")
        XCTAssertNotNil(waitFor(engine) { $0.phase == .awaitingApproval })
        XCTAssertEqual(StateStore(path: factory.paths.state).load()?.feature, "Fresh", "the new record is whole")
    }

    /// The same mid-feature: the feature PLAN.md says is under way is blocked where it stood,
    /// for everyone to see, and `resume` takes it on from there.
    func testAnUnreadableStateMidFeatureBlocksWhereThePlanSaysAndResumes() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let first = try factory.engine(autoApprove: false)
        try first.start(feature: "Half done")
        first.drive()
        XCTAssertNotNil(waitFor(first) { $0.phase == .awaitingApproval })
        first.shutdown()
        try Data("{\"phase\": \"awaiting_app".utf8).write(to: URL(fileURLWithPath: factory.paths.state))
        let engine = try factory.engine(autoApprove: false)
        defer { engine.shutdown() }
        engine.drive()
        let blocked = waitFor(engine, timeout: 5) { $0.phase == .blocked }
        XCTAssertEqual(blocked?.feature, "Half done")
        XCTAssertTrue(blocked?.blockedReason?.contains("was in awaiting_approval: factory resume goes on from there") ?? false, "\(String(describing: blocked?.blockedReason))")
        XCTAssertEqual(StateStore(path: factory.paths.state).load()?.phase, .blocked, "what status and watchers read")
        try engine.resume()
        XCTAssertNotNil(waitFor(engine) { $0.phase == .awaitingApproval && $0.feature == "Half done" })
    }

    /// PLAN.md as a symbolic link to a file elsewhere: the write goes where it points and the
    /// link stays a link (a plain rename would have put a regular file in its place).
    func testALinkedPlanIsWrittenThroughAndStaysALink() throws {
        let dir = NSTemporaryDirectory() + "linked-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir + "/elsewhere", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let real = dir + "/elsewhere/PLAN.md", link = dir + "/PLAN.md"
        try Data(PlanTemplate.text().utf8).write(to: URL(fileURLWithPath: real))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "elsewhere/PLAN.md")
        _ = try PlanFile(path: link).update(.appendMessage(from: "Human", to: ["All"], body: "through the link", time: "10:00"))
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), "elsewhere/PLAN.md", "still a link")
        XCTAssertTrue(try String(contentsOfFile: real, encoding: .utf8).contains("through the link"), "written where it points")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir + "/elsewhere").filter { $0.hasSuffix(".tmp") }, [])
    }

    /// Runs 8 writers (`argv(w)`, w in 1...8) while this process makes `edits` locked edits,
    /// and returns the file's bytes once all are done.
    private func race(plan: String, edits: Int, _ argv: @escaping @Sendable (Int) -> [String]) throws -> [UInt8] {
        let failures = Failures()
        let group = DispatchGroup()
        for w in 1...8 {
            DispatchQueue.global().async(group: group) {
                let result = ProcessRunner.run(argv(w))
                if !result.succeeded { failures.add("writer \(w): \(result.stderr)") }
            }
        }
        for i in 0..<edits {
            do { try PlanFile(path: plan).update(.appendMessage(from: "Human", to: ["Builder"], body: "factory edit \(i)", time: "t")) } catch {
                failures.add("edit \(i): \(error)")
            }
        }
        XCTAssertEqual(group.wait(timeout: .now() + 60), .success, "the writers finished")
        XCTAssertEqual(failures.all.compactMap { $0 }, [])
        return Array(try Data(contentsOf: URL(fileURLWithPath: plan)))
    }

    private func assertEach(in text: String, _ lines: [String], file: StaticString = #filePath, line: UInt = #line) {
        let counts = lines.map { text.components(separatedBy: $0).count - 1 }
        let lost = zip(lines, counts).filter { $1 == 0 }.map(\.0), doubled = zip(lines, counts).filter { $1 > 1 }.map(\.0)
        XCTAssertTrue(lost.isEmpty, "\(lost.count) of \(lines.count) lost, e.g. \(lost.prefix(3))", file: file, line: line)
        XCTAssertTrue(doubled.isEmpty, "\(doubled.count) doubled, e.g. \(doubled.prefix(3))", file: file, line: line)
    }
}

/// A small tmpfs in a folder's place (its files copied in), filled to the last byte on
/// demand. Mounting needs root; elsewhere the test is skipped.
enum FullDisk {
    static func mount(over folder: String) throws {
        let saved = folder + ".saved"
        try FileManager.default.moveItem(atPath: folder, toPath: saved)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let mounted = ProcessRunner.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", folder])
        if !mounted.succeeded {
            try? FileManager.default.removeItem(atPath: folder)
            try FileManager.default.moveItem(atPath: saved, toPath: folder)
            throw XCTSkip("cannot mount a tmpfs here: \(mounted.firstErrorLine)")
        }
        XCTAssertTrue(ProcessRunner.run(["cp", "-a", saved + "/.", folder]).succeeded)
    }

    /// Writes a file called `filler` until the disk is full.
    static func fill(_ folder: String) throws {
        let fd = open(folder + "/filler", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw GitError("cannot create the filler: \(errnoText())") }
        defer { close(fd) }
        let block = [UInt8](repeating: 0x2e, count: 4096)
        while write(fd, block, block.count) > 0 {}
        XCTAssertEqual(errno, ENOSPC)
        // The last few bytes: a write smaller than a block may still fit.
        while write(fd, block, 1) > 0 {}
    }

    static func unmount(_ folder: String) {
        _ = ProcessRunner.run(["umount", "-l", folder])
    }
}
