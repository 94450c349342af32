import Foundation
import PlanDocument
import XCTest

final class ConcurrencyTests: FactoryTestCase {
    /// 8 writers each append 200 messages through the real binary (one process per message)
    /// while a ninth thread keeps flipping task statuses. Nothing may be lost or duplicated,
    /// every task must end with the last status set, and every child must exit 0.
    func testEightWritersAndAStatusFlipperLoseNothing() throws {
        let writers = 8, perWriter = 200
        let taskIDs = ["T1", "T2", "T3", "T4"]
        let statuses: [TaskStatus] = [.done, .wip, .pending, .blocked, .failed]
        for id in taskIDs { try ok("task", "add", "--id", id, "--file", planPath, "Task \(id)") }

        let plan = planPath, scratch = scratch
        let failures = Locked<[String]>([])
        let launches = Locked(0)
        let writersDone = Locked(false)
        let lastSet = Locked<[String: TaskStatus]>([:])
        let flips = Locked(0)
        let record = { @Sendable (r: Result<CLIResult, Error>) in
            launches.with { $0 += 1 }
            switch r {
            case .success(let result) where result.status != 0: failures.with { $0.append(result.summary) }
            case .failure(let error): failures.with { $0.append("\(error)") }
            default: break
            }
        }

        let start = Date()
        let writerGroup = DispatchGroup()
        for w in 1...writers {
            writerGroup.enter()
            let thread = Thread {
                defer { writerGroup.leave() }
                for n in 1...perWriter {
                    record(Result {
                        try Factory.run(["say", "--file", plan, "--from", "builder", "--to", "architect", "writer \(w) message \(n)"], scratch: scratch)
                    })
                }
            }
            thread.start()
        }

        let flipperGroup = DispatchGroup()
        flipperGroup.enter()
        let flipper = Thread {
            defer { flipperGroup.leave() }
            var i = 0
            // At least one full cycle (4 tasks × 5 statuses), then on until the writers finish.
            while i < taskIDs.count * statuses.count || !writersDone.get {
                // 4 and 5 are coprime: every task sees every status.
                let id = taskIDs[i % taskIDs.count], status = statuses[i % statuses.count]
                let r = Result { try Factory.run(["task", "set", id, "--status", status.rawValue, "--file", plan], scratch: scratch) }
                record(r)
                // Only a set that succeeded is the last value the file must show.
                if case .success(let result) = r, result.status == 0 { lastSet.with { $0[id] = status } }
                flips.with { $0 += 1 }
                i += 1
            }
        }
        flipper.start()

        let writersFinished = writerGroup.wait(timeout: .now() + 900)
        writersDone.with { $0 = true }
        let flipperFinished = flipperGroup.wait(timeout: .now() + 120)
        let seconds = Date().timeIntervalSince(start)
        print(String(format: "ConcurrencyTests: %d factory processes (%d writers × %d messages + %d status flips) in %.1f s",
                     launches.get, writers, perWriter, flips.get, seconds))
        XCTAssertEqual(writersFinished, .success, "the writers did not finish within 900 s")
        XCTAssertEqual(flipperFinished, .success, "the status flipper did not finish")

        let failed = failures.get
        XCTAssertTrue(failed.isEmpty, "\(failed.count) child process(es) failed; first: \(failed.first ?? "")")

        let doc = try document()
        var counts: [String: Int] = [:]
        for m in doc.view.messages { counts[m.body, default: 0] += 1 }
        var missing: [String] = [], duplicated: [String] = []
        for w in 1...writers {
            for n in 1...perWriter {
                let body = "writer \(w) message \(n)"
                switch counts[body] ?? 0 {
                case 0: missing.append(body)
                case 1: break
                default: duplicated.append(body)
                }
            }
        }
        XCTAssertTrue(missing.isEmpty, "\(missing.count) message(s) lost, e.g. \(missing.prefix(5))")
        XCTAssertTrue(duplicated.isEmpty, "\(duplicated.count) message(s) duplicated, e.g. \(duplicated.prefix(5))")
        XCTAssertEqual(doc.view.messages.count, writers * perWriter, "the file holds \(doc.view.messages.count) messages, not \(writers * perWriter)")
        XCTAssertTrue(doc.view.messages.allSatisfy { $0.from == "Builder" && $0.to == ["Architect"] })

        let expected = lastSet.get
        XCTAssertEqual(Set(expected.keys), Set(taskIDs), "the flipper never managed to set some task")
        XCTAssertEqual(doc.view.tasks.map(\.id), taskIDs)
        for task in doc.view.tasks {
            XCTAssertEqual(task.status, expected[task.id], "task \(task.id) is \(task.statusText), last set to \(String(describing: expected[task.id]))")
            XCTAssertEqual(task.statusText, expected[task.id]?.cellText)
        }
        let errors = doc.view.diagnostics.filter { $0.severity == .error }
        XCTAssertTrue(errors.isEmpty, "diagnostics: \(errors)")
    }
}
