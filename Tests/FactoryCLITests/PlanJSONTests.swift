import Foundation
import InertText
import PlanDocument
import XCTest

/// `factory plan --json` is written by hand for speed; it must stay what the Encodable form
/// through `Inert.json` gives: the same bytes, hence the same values, keys and layout.
final class PlanJSONTests: FactoryTestCase {
    /// Fields with duplicate and non-ASCII names, every kind of section, hostile bytes, CRLF.
    static let varied: [UInt8] = {
        var text = """
        # Plan\r
        \r
        **Status:** 🟢 Ready\r
        **b:** 1\r
        **B:** 2\r
        **Étape:** é\u{7F}\u{85}\u{202E}\u{1B}[31m "q" \\ / \t \u{1}\u{8}\u{C}\r
        **b:** second, ignored\r
        \r
        ## Active Tasks

        | ID | Agent | Status | Priority | Description | Depends On | Extra |
        |----|-------|--------|----------|-------------|------------|-------|
        | T1 | builder | ✅ Done | P0 | first \\| piped | - | x |
        | T2 | tester | banana | | second | T1, T9 |
        | T2 | tester | 🔄 WIP | P1 | dup | T2 |

        ## Messages

        ### Builder → Architect, Tester (10:25)

        hello\u{9B}there

        ### Tester -> Builder - 2026-11-24 14:30

        line one
        line two 🎉 𝄞

        ## Checkpoints

        ### Checkpoint 1: Design Approved
        - [x] Architect completed design
        - [ ] Builder agreed

        ### Checkpoint: Unnumbered
        - [ ] something

        ## Code Review: Auth

        ### Verdict
        ✅ Approved

        ## Change Log

        | Date | Change | By |
        |------|--------|----|
        | 2026-11-24 | Plan created | Orchestrator |

        """
        var bytes = Array(text.utf8)
        bytes += [0xFF, 0xFE, 0x00, 0x0A]  // invalid UTF-8 and a NUL
        return bytes
    }()

    func testHandWrittenJSONIsTheEncodersJSONByteForByte() throws {
        let plans: [(String, [UInt8])] = [
            ("template", Array(PlanTemplate.text().utf8)),
            ("empty", []),
            ("varied", Self.varied),
            ("hostile", InertOutputTests.hostilePlan()),
            ("generated", PlanSamples.generated(tasks: 10_000, messages: 100_000)),
        ]
        for (name, bytes) in plans {
            try writePlan(bytes)
            let old = try Inert.json(PlanDocument(bytes: bytes).view, pretty: true) + Data([0x0A])
            let new = try ok("plan", "--json", "--file", planPath).stdout
            XCTAssertEqual(Array(new.utf8), Array(old), "\(name): the bytes differ")
            let oldValue = try JSONSerialization.jsonObject(with: old) as? NSDictionary
            let newValue = try JSONSerialization.jsonObject(with: Data(new.utf8)) as? NSDictionary
            XCTAssertNotNil(newValue, name)
            XCTAssertEqual(oldValue, newValue, "\(name): the values differ")
        }
    }

    /// The documented layout: sorted keys, two-space indent, `"key" : value`, `[\n\n  ]` when empty.
    func testLayoutIsTheDocumentedOne() throws {
        try writePlan(Array("# x\n".utf8))
        let out = try ok("plan", "--json", "--file", planPath).stdout
        XCTAssertTrue(out.hasPrefix("{\n  \"changeLog\" : [\n\n  ],\n  \"checkpoints\" : [\n\n  ],"), out)
        XCTAssertTrue(out.hasSuffix("  \"verdicts\" : [\n\n  ]\n}\n"), out)
        XCTAssertTrue(out.contains("\"fields\" : {\n\n  },"), out)
    }
}
