import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PlanDocument
import XCTest

/// Differential test of `PlanDocument.tables()` against the reference implementation,
/// `cmark-gfm -e table -t xml`.
///
/// Random documents come from a seeded SplitMix64, so a failure reproduces exactly; the
/// failure message carries the document. One cmark-gfm process runs per document: 2,000
/// documents take about 5 s in a debug build (process, our parse and the XML together), so
/// batching is not worth its risk — concatenated documents would need a separator that no
/// generated block (an unclosed fence, an HTML block running to a blank line or to a
/// closer) can swallow. GFM_DIFF_SEED / GFM_DIFF_COUNT run other or longer sweeps.
///
/// Only tables cmark-gfm places directly under `<document>` are in our scope (block quotes
/// are opaque to us, list items transparent), and we must report exactly those: no more,
/// no fewer. The generator therefore always puts a blank line after a list item or a block
/// quote and starts the next block at column 0, so nothing that follows lands inside the
/// container in cmark's tree while we read it as top level.
///
/// Exclusions, each with cmark-gfm's behaviour that our transparent list model does not
/// follow:
/// - List items whose content opens a block on the marker line (`- > x`, `- # x`): cmark
///   puts that block inside the item. (A fence on the marker line, `- ```…`, is read as
///   cmark reads it; see testFoundDiscrepanciesStayFixed.) Generated list items hold plain
///   text.
/// - Content after a list item indented to the item's content column (it belongs to the
///   item in cmark; we read it as top level): "- x\n\n  | a |\n  |---|\n" is a table
///   inside the item for cmark and a top-level one for us. Hence the blank line and the
///   column-0 start after every list item, and after any block whose last line would open
///   one (a setext `-` that lands after a table is an empty list item there); a generated
///   delimiter row that would read as a list item (`- | -`) gets a leading pipe.
/// - Lazy continuation of a block quote or list item into table lines: the blank line
///   after them rules it out ("> a\nb | c\n|---|---|\n" and "- a\nb | c\n|---|---|\n",
///   tried by hand, agree: no table on either side).
final class GFMDifferentialTests: XCTestCase {
    // MARK: - Random documents

    func testRandomDocumentsMatchCmarkGFM() throws {
        let cmark = try Reference.require()
        // GFM_DIFF_SEED (hex) and GFM_DIFF_COUNT explore further without editing the test.
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["GFM_DIFF_SEED"].flatMap { UInt64($0, radix: 16) } ?? 0x5EED_0F_7AB1E5
        let count = environment["GFM_DIFF_COUNT"].flatMap { Int($0) } ?? 2_000
        var generator = DocumentGenerator(seed: seed)
        var failures = 0
        var tablesSeen = 0, documentsWithTables = 0
        let started = Date()
        for index in 0..<count {
            let bytes = generator.document()
            let outcome = try compare(bytes, cmark: cmark)
            tablesSeen += outcome.reference.count
            if !outcome.reference.isEmpty { documentsWithTables += 1 }
            if let message = outcome.mismatch {
                failures += 1
                XCTFail("random document #\(index) (seed \(String(seed, radix: 16))):\n\(message)")
                if failures >= 3 { break }
            }
        }
        let elapsed = Date().timeIntervalSince(started)
        guard failures == 0 else { return }
        // Guard against a generator that stopped producing tables at all.
        XCTAssertGreaterThan(tablesSeen, count / 2, "the generator should produce plenty of tables")
        print("GFMDifferentialTests: \(count) documents, \(documentsWithTables) with top-level tables, \(tablesSeen) tables, \(String(format: "%.1f", elapsed)) s")
    }

    // MARK: - Fixed regression cases

    /// One hand-written document per shape the generator produces, compared the same way.
    static let regressionCases: [(name: String, text: String)] = [
        ("outer pipes", "| a | b |\n|---|---|\n| c | d |\n"),
        ("no outer pipes", "a | b\n--|--\nc | d\n"),
        ("single column, no pipes", "a\n:-\nb\n"),
        ("single column with pipes", "|a|\n|-|\n|b|\n"),
        ("alignments", "| l | c | r | n |\n| :-- | :-: | --: | --- |\n| 1 | 2 | 3 | 4 |\n"),
        ("spaces around delimiters", "| a | b |\n|  :---  |   ---:|  \n| c | d |\n"),
        ("tight delimiters", "a|b\n-|-\nc|d\n"),
        ("delimiter that is a list item", "a | b\n- | -\n"),
        ("escaped pipes", "| a \\| b | `c \\| d` |\n|---|---|\n| e\\|f | \\| |\n"),
        ("missing and extra cells", "| a | b | c |\n|---|---|---|\n| 1 |\n| 1 | 2 | 3 | 4 | 5 |\n"),
        ("pipe-only row ends the table", "| a |\n|---|\n| b |\n|\n| c |\n"),
        ("empty cells", "| a | b |\n|---|---|\n||\n| | |\n|||\n"),
        ("fewer delimiter cells", "| a | b |\n|---|\n| c | d |\n"),
        ("more delimiter cells", "a | b\n|---|---|---|\n"),
        ("mismatch, then a later match", "a | b\n|---|\nc | d\n|---|---|\n"),
        ("multi-line paragraph before header", "intro text\nmore | text\n| h1 | h2 |\n|----|----|\n| x | y |\n"),
        ("blank line ends table", "| a |\n|---|\n| b |\n\n| c |\n"),
        ("text line continues table", "| a | b |\n|---|---|\nplain words\n"),
        ("ATX headings around", "# T\n| a |\n|---|\n| b |\n# next | x\n"),
        ("seven hashes is text", "####### x | y\n|---|---|\n"),
        ("setext beats delimiter", "a | b\n---\n\na\n-\n\nTitle\n===\n| a |\n|:-|\n"),
        ("equals row continues table", "| a |\n|---|\n===\n"),
        ("thematic breaks", "| a |\n|---|\n| b |\n---\n| c |\n\n***\n| a |\n| - |\n***\n"),
        ("fenced code", "```\n| a | b |\n|---|---|\n```\n| c | d |\n|---|---|\n"),
        ("tilde fence", "~~~ text\n| a |\n|---|\n~~~\n"),
        ("fence ends table", "| a |\n|---|\n```\n| b |\n```\n"),
        ("unclosed fence", "````\n| a |\n|---|\n```\n"),
        ("indented code", "    | a | b |\n    |---|---|\n"),
        ("indented row ends table", "| a |\n|---|\n    | b |\n"),
        ("lazy indented header", "x\n    | a | b |\n|---|---|\n"),
        ("indented delimiter is lazy", "| a | b |\n    |---|---|\n"),
        ("tab-indented rows", "|\ta\t|\tb\t|\n|\t---\t|:-:|\n\tc\t|\td\n"),
        ("HTML comment", "<!--\n| a |\n|---|\n-->\n| b |\n|---|\n"),
        ("div block", "<div>\n| a |\n|---|\n</div>\n\n| b |\n|---|\n"),
        ("div ends table", "| a |\n|---|\n<div>\n| b |\n"),
        ("kind 7 ends table", "| a |\n|---|\n<custom-tag>\n| b |\n"),
        ("kind 7 does not interrupt paragraph", "x\n<custom-tag>\n\n| a |\n|---|\n"),
        ("pre block", "<pre>\n| a |\n|---|\n</pre>\n| b |\n|--|\n"),
        ("one-line script block", "<script>x</script>\n| a |\n|---|\n"),
        ("textarea is kind 7 in cmark-gfm 0.29", "<textarea>\n| a |\n|---|\n\n| b |\n|---|\n"),
        ("textarea cannot interrupt a paragraph", "x\n<textarea>\n| a |\n|---|\n"),
        ("uppercase doctype", "<!DOCTYPE\n| a |\n|---|\n>\n\n| b |\n|---|\n"),
        ("lowercase doctype is text", "<!doctype\n| a |\n|---|\n"),
        ("list item then table", "- x\n\n| a |\n|---|\n"),
        ("ordered list item then table", "1. x\n\n| a |\n|---|\n"),
        ("list item ends table", "| a |\n|---|\n- b\n\n| c |\n|---|\n"),
        ("ordered item not 1 ends table", "| a |\n|---|\n2) b\n\nc\n"),
        ("empty list item ends table", "| a |\n|---|\n-\n\nc\n"),
        ("ordered item not 1 continues paragraph", "x\n2) a | b\n|---|---|\n"),
        ("block quote", "> | a |\n> |---|\n\n| b |\n|---|\n"),
        ("block quote ends table", "| a |\n|---|\n> q\n\n"),
        ("emoji and CJK", "| 🚀 | 漢字 |\n|---|---|\n| ✅ 👍🏽 | テスト 한국어 |\n"),
        ("code spans and lone backticks", "| `a` | b ` c |\n|---|---|\n| `x | y` |\n"),
        ("inline HTML kept as written", "| <span>x</span> | b |\n|---|---|\n"),
        ("row starting with an escaped pipe", "| a | b |\n|---|---|\n\\| c | d\n"),
        ("vertical tab and form feed stay in cells", "| a\u{0B} | b\u{0C} |\n|---|---|\n"),
        ("CRLF", "| a | b |\r\n|---|---|\r\n| c | d |\r\n\r\ntext\r\n"),
        ("lone CR", "x\r| a |\r|---|\r| b |\r"),
        ("indentation 1-3", " | a |\n  |---|\n   | b |\n"),
        ("indented delimiter list item", "   a | b\n   - | -\n"),
        ("no final newline", "| a |\n|---|\n| b |"),
        ("vertical tab as spacechar", "|\u{0B}a\u{0B}|\n|\u{0B}---\u{0B}|\n"),
    ]

    func testRegressionCasesMatchCmarkGFM() throws {
        let cmark = try Reference.require()
        for (name, text) in Self.regressionCases {
            let outcome = try compare(Array(text.utf8), cmark: cmark)
            if let message = outcome.mismatch { XCTFail("\(name):\n\(message)") }
        }
    }

    /// Parser bugs this test found, pinned without needing cmark-gfm.
    func testFoundDiscrepanciesStayFixed() {
        func tables(_ text: String) -> [Table] {
            PlanDocument(text).tables().map { Table(line: $0.line, header: $0.header, rows: $0.rows) }
        }
        // cmark trims cells with cmark_isspace (space, tab, LF, CR): a vertical tab or form
        // feed at a cell's edge stays.
        XCTAssertEqual(tables("| a\u{0B} | b\u{0C} |\n|---|---|\n"), [Table(line: 1, header: ["a\u{0B}", "b\u{0C}"], rows: [])])
        // `<!` opens HTML kind 4 only before an uppercase letter in cmark-gfm 0.29.
        XCTAssertEqual(tables("<!doctype\n| a |\n|---|\n"), [Table(line: 2, header: ["a"], rows: [])])
        // A fence opened on a list item's marker line closes on the item's fence line, and
        // what follows the item is read again.
        XCTAssertEqual(tables("- ```\n  x\n  ```\n\n| a |\n|---|\n"), [Table(line: 5, header: ["a"], rows: [])])
        XCTAssertEqual(tables("- ```\n  | a |\n  |---|\n  ```\n"), [], "a table inside the item's fence is code")
        XCTAssertEqual(tables("<!DOCTYPE\n| a |\n|---|\n"), [])
        // `textarea` is not a raw-text (kind 1) tag there: kind 7, which cannot interrupt a
        // paragraph and ends at a blank line.
        XCTAssertEqual(tables("x\n<textarea>\n| a |\n|---|\n"), [Table(line: 3, header: ["a"], rows: [])])
        XCTAssertEqual(tables("<textarea>\n| a |\n|---|\n\n| b |\n|---|\n"), [Table(line: 5, header: ["b"], rows: [])])
    }

    /// The helpers themselves: the XML reader understands cmark-gfm's output.
    func testReferenceReaderSeesTables() throws {
        let cmark = try Reference.require()
        let reference = try Reference.tables(Array("p\n| a | `b` |\n|---|---|\n| c \\| d |\n\n> | q |\n> |---|\n".utf8), cmark: cmark)
        XCTAssertEqual(reference.topLevel, [Table(line: 2, header: ["a", "`b`"], rows: [["c | d", ""]])])
        XCTAssertEqual(reference.nested, 1)
    }

    // MARK: - Comparison

    private struct Outcome {
        var reference: [Table]
        var mismatch: String?
    }

    private func compare(_ bytes: [UInt8], cmark: String) throws -> Outcome {
        let reference = try Reference.tables(bytes, cmark: cmark)
        let ours = PlanDocument(bytes: bytes).tables().map { Table(line: $0.line, header: $0.header, rows: $0.rows) }
        guard ours != reference.topLevel else { return Outcome(reference: reference.topLevel, mismatch: nil) }
        let text = String(decoding: bytes, as: UTF8.self)
        var message = "document: \(String(reflecting: text))\n"
        message += "cmark-gfm top-level tables (\(reference.topLevel.count); \(reference.nested) nested, out of scope):\n"
        message += reference.topLevel.map { "  \($0)" }.joined(separator: "\n")
        message += "\nours (\(ours.count)):\n"
        message += ours.map { "  \($0)" }.joined(separator: "\n")
        return Outcome(reference: reference.topLevel, mismatch: message)
    }
}

// Helpers are nested so their names cannot collide with other test files in the target.
extension GFMDifferentialTests {
    // MARK: - Tables, as both sides report them

    struct Table: Equatable, CustomStringConvertible {
        var line: Int
        var header: [String]
        var rows: [[String]]

        var description: String {
            "line \(line): header \(header.map { String(reflecting: $0) }) rows \(rows.map { $0.map { String(reflecting: $0) } })"
        }
    }

    // MARK: - The reference implementation

    enum Reference {
        struct Tables {
            /// Tables whose parent is `<document>`, in order.
            var topLevel: [Table] = []
            /// Tables inside block quotes or list items (not compared).
            var nested = 0
        }

        static func locate() -> String? {
            var candidates = ["/usr/bin/cmark-gfm", "/usr/local/bin/cmark-gfm", "/opt/homebrew/bin/cmark-gfm"]
            if let path = ProcessInfo.processInfo.environment["PATH"] {
                candidates += path.split(separator: ":").map { "\($0)/cmark-gfm" }
            }
            return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
        }

        static func require() throws -> String {
            guard let path = locate() else {
                throw XCTSkip("cmark-gfm is not installed (apt-get install -y cmark-gfm); CI installs it")
            }
            return path
        }

        /// Runs `cmark-gfm -e table -t xml --sourcepos` on `bytes` and reads the tables.
        static func tables(_ bytes: [UInt8], cmark: String) throws -> Tables {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: cmark)
            process.arguments = ["-e", "table", "-t", "xml", "--sourcepos"]
            let input = Pipe(), output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            // Not `waitUntilExit()`: on Linux it polls the run loop every 50 ms, which would
            // make each document cost 50 ms instead of about one.
            let exited = DispatchSemaphore(value: 0)
            process.terminationHandler = { _ in exited.signal() }
            try process.run()
            // cmark-gfm reads all its input before writing anything, so writing first cannot
            // deadlock on a full output pipe.
            input.fileHandleForWriting.write(Data(bytes))
            try input.fileHandleForWriting.close()
            let xml = output.fileHandleForReading.readDataToEndOfFile()
            exited.wait()
            guard process.terminationStatus == 0 else {
                throw ReferenceError(message: "cmark-gfm exited with \(process.terminationStatus)")
            }
            let reader = TableReader()
            let parser = XMLParser(data: xmlSafe(xml))
            parser.delegate = reader
            guard parser.parse() else {
                throw ReferenceError(message: "cannot read cmark-gfm's XML: \(String(describing: parser.parserError))\n\(String(decoding: xml, as: UTF8.self))")
            }
            return reader.tables
        }
    }

    /// cmark-gfm copies control characters such as a vertical tab into its XML, where
    /// XML 1.0 forbids them; they travel as private-use characters U+E000 + byte instead,
    /// and `TableReader` maps them back.
    static func xmlSafe(_ xml: Data) -> Data {
        guard xml.contains(where: { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) else { return xml }
        var out = Data()
        out.reserveCapacity(xml.count + 64)
        for byte in xml {
            if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D {
                out.append(contentsOf: Array(String(UnicodeScalar(0xE000 + UInt32(byte))!).utf8))
            } else {
                out.append(byte)
            }
        }
        return out
    }

    struct ReferenceError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// Collects `<table>` elements from cmark-gfm's XML. Cell text is the concatenation of
    /// `text` and `html_inline` nodes (both literal) plus `code` nodes written back as
    /// `` `literal` ``; any other inline node shows as `⟨name⟩` so a generator slip is
    /// visible rather than silently ignored.
    final class TableReader: NSObject, XMLParserDelegate {
        private(set) var tables = Reference.Tables()
        private var stack: [String] = []
        private var topLevel = false
        private var endLine = 0
        private var header: [String] = []
        private var rows: [[String]] = []
        private var row: [String]?
        private var cell: String?

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            switch name {
            case "table":
                topLevel = stack.last == "document"
                header = []
                rows = []
                endLine = Self.endLine(attributes["sourcepos"])
            case "table_header", "table_row":
                row = []
            case "table_cell":
                cell = ""
            case "code":
                cell? += "`"
            case "text", "html_inline":
                break
            default:
                cell? += "⟨\(name)⟩"
            }
            stack.append(name)
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard stack.last == "text" || stack.last == "code" || stack.last == "html_inline", cell != nil else { return }
            cell! += String(String.UnicodeScalarView(string.unicodeScalars.map {
                (0xE000..<0xE020).contains($0.value) ? UnicodeScalar($0.value - 0xE000)! : $0
            }))
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            stack.removeLast()
            switch name {
            case "code":
                cell? += "`"
            case "table_cell":
                if let text = cell { row?.append(text) }
                cell = nil
            case "table_header":
                header = row ?? []
                row = nil
            case "table_row":
                rows.append(row ?? [])
                row = nil
            case "table":
                if topLevel {
                    // cmark-gfm's table sourcepos starts at the paragraph the header came from,
                    // but ends at the table's last row, and the rows are consecutive lines.
                    tables.topLevel.append(Table(line: endLine - 1 - rows.count, header: header, rows: rows))
                } else {
                    tables.nested += 1
                }
            default:
                break
            }
        }

        /// "1:1-4:9" → 4.
        private static func endLine(_ sourcepos: String?) -> Int {
            guard let sourcepos, let dash = sourcepos.firstIndex(of: "-") else { return 0 }
            let end = sourcepos[sourcepos.index(after: dash)...]
            return Int(end.prefix { $0 != ":" }) ?? 0
        }
    }

    // MARK: - Random documents


    /// Documents of random blocks, with tables in every shape cmark-gfm's table extension
    /// distinguishes. Cell text is chosen so its inline parse is the identity except for code
    /// spans: no `*`, `_`, `[`, `<`, `&`, `!`, and no backslash except in `\|`; at most one
    /// backtick construct per cell (a code span `` `x` `` or a lone backtick), so two lone
    /// backticks never pair up into a code span with different spacing.
    struct DocumentGenerator {
        private var rng: SeededRandom

        init(seed: UInt64) { rng = SeededRandom(seed: seed) }

        private enum Kind { case table, paragraph, atx, setext, thematic, fence, indented, html, list, quote }

        private static let kinds: [(Kind, Int)] = [
            (.table, 36), (.paragraph, 10), (.atx, 6), (.setext, 6), (.thematic, 6), (.fence, 8),
            (.indented, 5), (.html, 9), (.list, 7), (.quote, 7),
        ]

        private static let words = [
            "alpha", "Beta", "x", "T1", "42", "done", "todo", "foo.bar", "a:b", "(x)", "50%", "$5",
            "a/b", "#3", "q?", "ok,", "it's", "\"q\"", "~", "+1", "x=y", "a-b", "🚀", "✅", "👍🏽",
            "漢字", "テスト", "한국어", "naïve", "🇯🇵", "é", "a\u{00A0}b",
        ]

        mutating func document() -> [UInt8] {
            var lines: [String] = []
            let blockCount = 1 + rng.below(6)
            var previous: Kind?
            for index in 0..<blockCount {
                let kind = weightedKind()
                let last = index == blockCount - 1
                var block = self.block(kind, last: last)
                // A block of only blank lines (a paragraph of one empty cell) is no block.
                guard let first = block.firstIndex(where: { $0.contains { $0 != " " && $0 != "\t" } }) else { continue }
                if let previous {
                    if previous == .list || previous == .quote || Self.opensListItem(lines[lines.count - 1]) {
                        // A blank line, and the next block at column 0: nothing after a container
                        // may land inside it in cmark's tree.
                        lines.append(rng.pick(["", "", "  "]))
                        // (A header of empty cells can be a blank line: strip the first
                        // line with content.)
                        block[first] = String(block[first].drop { $0 == " " || $0 == "\t" })
                    } else if rng.chance(60) {
                        lines.append(rng.pick(["", "", "", " ", "\t", ""]))
                        if rng.chance(10) { lines.append("") }
                    }
                }
                lines += block
                previous = kind
            }
            if let last = lines.last, previous == .list || previous == .quote || Self.opensListItem(last), rng.chance(50) { lines.append("") }
            let eol = rng.chance(20) ? "\r\n" : rng.chance(5) ? "\r" : "\n"
            var text = lines.joined(separator: eol)
            if rng.chance(85) { text += eol }
            return Array(text.utf8)
        }

        private mutating func weightedKind() -> Kind {
            var r = rng.below(Self.kinds.reduce(0) { $0 + $1.1 })
            for (kind, weight) in Self.kinds {
                if r < weight { return kind }
                r -= weight
            }
            return .paragraph
        }

        private mutating func block(_ kind: Kind, last: Bool) -> [String] {
            switch kind {
            case .table: return table()
            case .paragraph: return (0...rng.below(3)).map { _ in paragraphLine() }
            case .atx:
                return [indent() + rng.pick(["# Title", "## \(cellText()) | \(cellText())", "### x |", "#", "# h #", "####### not | heading", "#\tTab"])]
            case .setext:
                return [paragraphLine(), indent() + rng.pick(["===", "---", "=", "-", "  ==  ", "= =", "--- ---"])]
            case .thematic:
                return [indent() + rng.pick(["---", "***", "* * *", "___", "- - -", "***  ", "_ _ _"])]
            case .fence:
                return fence(last: last)
            case .indented:
                let prefix = rng.pick(["    ", "\t", "     ", "  \t"])
                return (0...rng.below(3)).map { _ in prefix + (rng.chance(50) ? row(cellCount: 1 + rng.below(3)) : delimiter(1 + rng.below(3))) }
            case .html:
                return html()
            case .list:
                let marker = rng.pick(["- ", "* ", "+ ", "1. ", "2) ", "10. ", "1) "])
                return [indent() + marker + rng.pick([cellText(), "\(cellText()) | \(cellText())", "[ ] task"])]
            case .quote:
                let inner: [String] = rng.chance(50)
                    ? [paragraphLine()]
                    : [row(cellCount: 2), delimiter(2), row(cellCount: 2)]
                return inner.map { indent() + rng.pick([">", "> ", ">  "]) + $0 }
            }
        }

        // MARK: Tables

        private mutating func table() -> [String] {
            var lines: [String] = []
            if rng.chance(30) {
                for _ in 0...rng.below(2) { lines.append(paragraphLine()) }
            }
            let columns = 1 + rng.below(5)
            lines.append(row(cellCount: columns, header: true))
            var delimiterColumns = columns
            if rng.chance(15) { delimiterColumns = max(1, columns + (rng.chance(50) ? 1 : -1)) }
            lines.append(delimiter(delimiterColumns))
            for _ in 0..<rng.below(6) {
                switch rng.below(100) {
                case 0..<6: lines.append(indent() + rng.pick(["|", "| ", " |", "|\t"]))
                case 6..<12: lines.append(indent() + rng.pick(["||", "| |", "|||", "| | |", "||||"]))
                case 12..<17: lines.append(indent() + paragraphWords())
                case 17..<20: lines.append(rng.pick(["    ", "\t", "  \t"]) + row(cellCount: columns))
                case 20..<60: lines.append(row(cellCount: columns))
                default: lines.append(row(cellCount: 1 + rng.below(columns + 2)))
                }
            }
            return lines
        }

        /// 0–3 spaces, mostly none; rarely a tab or four spaces (a lazy or code line).
        private mutating func indent(deep: Bool = false) -> String {
            if deep, rng.chance(4) { return rng.pick(["\t", "    ", "      ", " \t", "   \t"]) }
            return rng.chance(70) ? "" : rng.pick([" ", "  ", "   "])
        }

        private mutating func separator() -> String {
            rng.pick([" | ", " | ", " | ", "|", " |", "| ", "  |  ", "\t|\t", " |\t", "\u{0B}|"])
        }

        private mutating func row(cellCount: Int, header: Bool = false) -> String {
            let cells = (0..<cellCount).map { _ in cellText() }
            let lead = rng.chance(60), trail = rng.chance(60)
            var line = indent(deep: header)
            if lead { line += rng.pick(["|", "| ", "|  ", "|\t"]) }
            for (i, cell) in cells.enumerated() {
                if i > 0 { line += separator() }
                line += cell
            }
            if trail { line += rng.pick(["|", " |", "  |", "\t|"]) }
            if rng.chance(10) { line += rng.pick([" ", "  ", "\t"]) }
            return line
        }

        /// Does `line` open a list item? cmark would put whatever follows at the item's
        /// content indent inside the item, where our transparent list model reads it as top
        /// level: delimiter rows that would open one get a leading pipe, and a block ending in
        /// one is followed by a blank line and a column-0 line.
        static func opensListItem(_ line: String) -> Bool {
            let bytes = Array(line.utf8)
            var i = 0
            while i < bytes.count && bytes[i] == 0x20 { i += 1 }
            guard i <= 3, i < bytes.count else { return false }
            let marker = bytes[i]
            if marker == 0x2D || marker == 0x2B || marker == 0x2A {
                i += 1
            } else {
                let digits = i
                while i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39 { i += 1 }
                guard i > digits, i - digits <= 9, i < bytes.count, bytes[i] == 0x2E || bytes[i] == 0x29 else { return false }
                i += 1
            }
            return i == bytes.count || bytes[i] == 0x20 || bytes[i] == 0x09
        }

        private mutating func delimiter(_ count: Int) -> String {
            var markers = (0..<count).map { _ in
                rng.pick(["-", "--", "---", ":-", "-:", ":-:", ":---", "---:", ":---:", "-----------"])
            }
            if rng.chance(5) {
                markers[rng.below(count)] = rng.pick(["", ":", "- -", "x", "::-", "-::", "-\\|"])
            }
            var line = ""
            let lead = rng.chance(65), trail = rng.chance(60)
            if lead { line += rng.pick(["|", "| ", "|  "]) }
            for (i, marker) in markers.enumerated() {
                if i > 0 { line += rng.pick(["|", " | ", "| ", " |", "\t|", "  |  "]) }
                line += marker
            }
            if trail { line += rng.pick(["|", " |", "  |"]) }
            if rng.chance(10) { line += rng.pick([" ", "\t"]) }
            // `- | -` is a list item, not a delimiter row (see `opensListItem`).
            if Self.opensListItem(line) { line = "|" + line }
            return indent() + line
        }

        private mutating func cellText() -> String {
            if rng.chance(8) { return "" }
            var tokens = (0...rng.below(3)).map { _ in rng.pick(Self.words) }
            let special: String?
            switch rng.below(12) {
            case 0: special = rng.pick(["`code`", "`a b`", "`x\\|y`", "`🚀`", "`#`"])
            case 1: special = "`"
            case 2: special = rng.pick(["\\|", "a\\|b", "\\|\\|"])
            default: special = nil
            }
            if let special { tokens.insert(special, at: rng.below(tokens.count + 1)) }
            var text = tokens[0]
            for token in tokens.dropFirst() { text += rng.pick([" ", " ", " ", "  ", "\t"]) + token }
            return text
        }

        private mutating func paragraphWords() -> String {
            (0...rng.below(4)).map { _ in rng.pick(Self.words) }.joined(separator: " ")
        }

        /// A paragraph line, pipes or not; starts with a word so it opens no other block.
        private mutating func paragraphLine() -> String {
            rng.chance(50) ? indent() + paragraphWords() : row(cellCount: 1 + rng.below(4))
        }

        // MARK: Other blocks

        private mutating func fence(last: Bool) -> [String] {
            let marker: Character = rng.chance(60) ? "`" : "~"
            let length = 3 + rng.below(2)
            let fenceIndent = indent()
            // A backtick in a backtick fence's info string makes it no fence: a paragraph.
            var lines = [fenceIndent + String(repeating: marker, count: length) + rng.pick(["", "", "swift", " text", " a | b", " a`b"])]
            let columns = 1 + rng.below(3)
            lines.append(row(cellCount: columns))
            lines.append(delimiter(columns))
            if rng.chance(50) { lines.append(row(cellCount: columns)) }
            if rng.chance(20) {
                // Not a closer: too short, the other marker, indented four, or with text after.
                let other: Character = marker == "`" ? "~" : "`"
                lines.append(rng.pick([
                    String(repeating: marker, count: length - 1), String(repeating: other, count: length),
                    "    " + String(repeating: marker, count: length), String(repeating: marker, count: length) + " x",
                ]))
                lines.append(row(cellCount: columns))
            }
            if last && rng.chance(30) { return lines }   // unclosed to the end of the document
            lines.append(indent() + String(repeating: marker, count: length + rng.below(2)) + rng.pick(["", "", "  "]))
            return lines
        }

        private mutating func html() -> [String] {
            let table = [row(cellCount: 2), delimiter(2), row(cellCount: 2)]
            let open = indent()
            switch rng.below(8) {
            case 0:
                if rng.chance(25) { return [open + "<!-- one line -->"] + table }
                return [open + "<!-- note"] + table + [rng.pick(["-->", "end -->", "--> | x |"])]
            case 1:
                // Kind 6: to a blank line; may interrupt a paragraph.
                return [open + rng.pick(["<div>", "<div class=\"x\">", "<DIV>", "</div>", "<table>", "<hr/>", "<div/>", "</DIV >", "<p", "<section id=\"s\">"])] + table
            case 2:
                // Kind 7 (a lone complete tag): to a blank line; cannot interrupt a paragraph.
                // cmark-gfm 0.29 has no `textarea` among the raw-text tags, so it is kind 7.
                return [open + rng.pick(["<custom-tag>", "</span>", "<a href=\"x\">", "<x-y z=1 />", "<textarea>", "<textarea rows=\"2\">", "<span class=x>", "<span x>y"])] + table
            case 3:
                // Kind 1: to a line containing the closing tag, possibly the first line.
                let tag = rng.pick(["pre", "script", "style", "PRE", "textarea"])
                if rng.chance(25) { return [open + "<\(tag)>x</\(tag)>"] + table }
                return [open + "<\(tag)" + rng.pick([">", " class=\"x\">", ""])] + table + ["</\(tag.lowercased())>"]
            case 4:
                if rng.chance(25) { return [open + "<?x?>"] + table }
                return [open + "<?php"] + table + ["?>"]
            case 5:
                // Kind 4 needs an uppercase letter after `<!` in cmark-gfm 0.29.
                if rng.chance(50) { return [open + rng.pick(["<!DOCTYPE html>", "<!doctype html>", "<!Doctype html>"])] + table }
                return [open + rng.pick(["<!DOCTYPE", "<!doctype", "<!Doctype"])] + table + ["end >"]
            default:
                return [open + "<![CDATA["] + table + ["]]>"]
            }
        }
    }
}

extension SeededRandom {
    /// Uniform enough in `0..<n` for test generation (n is tiny next to 2^64).
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// True `percent` times in a hundred.
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}
