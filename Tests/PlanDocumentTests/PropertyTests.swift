import XCTest
@testable import PlanDocument

/// Deterministic random numbers for generated documents (SplitMix64).
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random PLAN.md-shaped documents built from the pieces real files have.
struct PlanGenerator {
    var rng: SeededRandom

    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &rng)] }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }

    mutating func word() -> String {
        pick(["auth", "JWT", "login", "cache", "🔄", "✅ Done", "日本語", "a\\|b", "`x`", "**bold**", "T1", "-", "", "x y z", "é"])
    }

    mutating func taskTable(ids: inout Int) -> [String] {
        let columns = pick([["ID", "Agent", "Status", "Priority", "Description", "Depends On"],
                            ["Task", "Owner", "Status", "Description"],
                            ["Status", "ID", "Notes", "Deps"]])
        let outer = chance(0.8)
        func row(_ cells: [String]) -> String { outer ? "| " + cells.joined(separator: " | ") + " |" : cells.joined(separator: " | ") }
        var out = [row(columns), row(columns.map { _ in pick(["---", ":--", "--:", ":-:"]) })]
        for _ in 0..<Int.random(in: 0...6, using: &rng) {
            ids += 1
            var cells = columns.map { name -> String in
                switch name {
                case "ID", "Task": return "T\(ids)"
                case "Status": return pick(["✅ Done", "🔄 WIP", "⏳", "blocked", "[x]", "maybe"])
                case "Depends On", "Deps": return ids > 1 ? "T\(Int.random(in: 1..<ids, using: &rng))" : "-"
                default: return word()
                }
            }
            if chance(0.1) { cells.removeLast() }
            if chance(0.1) { cells.append("extra") }
            out.append(row(cells))
        }
        return out
    }

    mutating func message() -> [String] {
        let arrow = pick(["→", "->", "=>"])
        let time = pick([" (10:25)", " (2026-11-24 10:25)", " - 2026-11-24 14:30", ""])
        var out = ["### \(pick(["Builder", "Tester", "All"])) \(arrow) \(pick(["Architect", "Builder, Tester", "Orchestrator"]))\(time)"]
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            out.append(pick(["**Question:** why?", "- item", "", "```", "plain text \(word())", "> quote", "    indented"]))
        }
        return out
    }

    mutating func document() -> [UInt8] {
        var lines = ["# Plan", "", "**Status:** \(word())  ", ""]
        var ids = 0
        for _ in 0..<Int.random(in: 1...12, using: &rng) {
            switch Int.random(in: 0..<9, using: &rng) {
            case 0: lines += ["## Active Tasks", ""] + taskTable(ids: &ids) + [""]
            case 1: lines += ["## Messages", ""] + message() + [""]
            case 2: lines += message() + [""]
            case 3: lines += ["### Checkpoint \(ids): \(word())", "- [ ] \(word()) item", "- [x] done \(word())", ""]
            case 4: lines += ["```", "| ID | Status |", "|---|---|", "| F1 | done |", pick(["```", ""]), ""]
            case 5: lines += ["---", ""]
            case 6: lines += ["## Code Review: \(word())", "", "### Verdict", pick(["✅ Approved", "✅ Approved | ❌ Changes Requested", "hmm"]), ""]
            case 7: lines += ["<!--", "| ID | Status |", "-->", ""]
            default: lines += [word() + " paragraph " + word(), word()]
            }
        }
        let ending = pick(["\n", "\r\n", "\r"])
        var text = lines.joined(separator: ending)
        if chance(0.7) { text += ending }
        return Array(text.utf8)
    }

    /// Bytes heavy in what markdown and UTF-8 decoding find interesting.
    mutating func noise(count: Int) -> [UInt8] {
        let alphabet: [UInt8] = Array("|#->`~\\*_:[]x ( )\t\r\n\n\n<!".utf8) + [0, 0xFF, 0xC3, 0x28, 0xE2, 0x86, 0x92, 0xF0, 0x9F]
        return (0..<count).map { _ in pick(alphabet) }
    }
}

final class PropertyTests: XCTestCase {
    /// Parse never changes a byte, and the line table covers the file exactly, whatever it holds.
    func testParseIsLossless() {
        var gen = PlanGenerator(rng: SeededRandom(seed: 42))
        for i in 0..<3000 {
            let bytes = i % 3 == 0 ? gen.noise(count: Int.random(in: 0...400, using: &gen.rng)) : gen.document()
            let doc = PlanDocument(bytes: bytes)
            XCTAssertEqual(doc.bytes, bytes)
            XCTAssertEqual(doc.lines.starts.first, 0)
            XCTAssertEqual(doc.lines.starts.last, bytes.count)
            XCTAssertTrue(zip(doc.lines.starts, doc.lines.starts.dropFirst()).allSatisfy { $0 < $1 }, "lines are non-empty and in order")
            for block in doc.blocks { XCTAssertTrue(block.firstLine <= block.lastLine && block.lastLine < doc.lines.count) }
        }
    }

    func testHugeAndHostileInputsParseQuickly() {
        let tenMB = 10 * 1024 * 1024
        let inputs: [[UInt8]] = [
            [UInt8](repeating: 0x7C, count: tenMB),                    // one line of pipes
            Array("| a | b |\n|---|---|\n".utf8) + [UInt8](repeating: 0x61, count: tenMB),
            Array("### ".utf8) + [UInt8](repeating: 0x2D, count: tenMB), // a heading of dashes
            [UInt8](repeating: 0x60, count: tenMB),                    // backticks
            Array(repeating: Array("|a|\n|-|\n".utf8), count: 200_000).flatMap { $0 },
            Array(repeating: Array("### A → B\n".utf8), count: 200_000).flatMap { $0 },
            [UInt8](repeating: 0, count: 1 << 20),
        ]
        for bytes in inputs {
            let start = DispatchTime.now().uptimeNanoseconds
            let doc = PlanDocument(bytes: bytes)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            XCTAssertEqual(doc.bytes.count, bytes.count)
            XCTAssertLessThan(seconds, 20, "parse must be linear; took \(seconds) s")
        }
    }

    /// parse → edit → parse shows exactly the edit.
    func testEditsShowExactlyTheEdit() throws {
        var gen = PlanGenerator(rng: SeededRandom(seed: 7))
        var edited = 0
        for _ in 0..<2000 {
            let doc = PlanDocument(bytes: gen.document())
            let before = doc.view
            // Tasks whose ID is unique can be edited.
            let unique = before.tasks.filter { t in before.tasks.filter { taskKey($0.id) == taskKey(t.id) }.count == 1 }
            let editable = unique.filter { doc.anchors.tables[$0.table].columns.index[.description] != nil }
            if let task = editable.isEmpty ? nil : gen.pick(editable) {
                let value = "v\(edited) | x"
                let after = try doc.applying(.setTaskCell(id: task.id, column: "description", value: value)).view
                let index = before.tasks.firstIndex(of: task)!
                var expected = before.tasks
                if let col = doc.anchors.tables[task.table].columns.index[.description] {
                    expected[index].description = value
                    if col < expected[index].cells.count { expected[index].cells[col] = value }
                    XCTAssertEqual(after.tasks.map(\.id), expected.map(\.id))
                    XCTAssertEqual(after.tasks[index].description, value)
                    for i in expected.indices where i != index { XCTAssertEqual(after.tasks[i], expected[i]) }
                    XCTAssertEqual(after.messages, before.messages)
                    edited += 1
                }
            }
            let body = "said \(edited)\nsecond line"
            let withMessage = try doc.applying(.appendMessage(from: "Builder", to: ["Tester"], body: body, time: "12:00")).view
            XCTAssertEqual(withMessage.tasks.map(\.id), before.tasks.map(\.id))
            XCTAssertEqual(withMessage.checkpoints.map { $0.items.map(\.text) }, before.checkpoints.map { $0.items.map(\.text) })
            let added = withMessage.messages.filter { !before.messages.map(\.body).contains($0.body) || $0.body == body }
            XCTAssertTrue(added.contains { $0.body == body && $0.from == "Builder" && $0.to == ["Tester"] && $0.time == "12:00" },
                          String(reflecting: String(decoding: doc.bytes, as: UTF8.self)))
            XCTAssertEqual(withMessage.messages.count, before.messages.count + 1)

            let items = before.checkpoints.flatMap(\.items)
            if let item = items.first, items.filter({ $0.text == item.text }).count == 1 {
                let ticked = try doc.applying(.setCheckpointItem(text: item.text, done: !item.done)).view
                XCTAssertEqual(ticked.checkpoints.flatMap(\.items).map(\.done), [!item.done] + items.dropFirst().map(\.done))
                XCTAssertEqual(ticked.tasks, before.tasks)
            }
        }
        XCTAssertGreaterThan(edited, 500, "the generator must produce editable tasks")
    }
}
