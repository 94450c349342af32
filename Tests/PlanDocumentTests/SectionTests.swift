import XCTest
@testable import PlanDocument

/// Level-2 sections read back as written, for the dashboard's plan view.
final class SectionTests: XCTestCase {
    func testSectionsEndAtTheNextHeadingOfLevelOneOrTwo() {
        let doc = PlanDocument("# Plan\r\n\r\n## Design: Greeting\r\nText\r\n### Sub\r\nMore\r\n# Other\r\nout\r\n\r\nTasks\r\n---\r\nafter\r\n\r\n## Design: Farewell\r\nBye")
        XCTAssertEqual(doc.sections { $0.hasPrefix("Design") }, [
            PlanSection(title: "Design: Greeting", lines: ["Text", "### Sub", "More"]),
            PlanSection(title: "Design: Farewell", lines: ["Bye"]),
        ])
        // `Tasks` over `---` is a setext heading of level 2.
        XCTAssertEqual(doc.sections { $0 == "Tasks" }, [PlanSection(title: "Tasks", lines: ["after", ""])])
    }

    func testOnlyTheVerdictsThatSendTheWorkBack() {
        let doc = PlanDocument("""
        ## Security Audit: X

        **Verdict:** ❌ Critical Block

        ## Code Review: X

        **Verdict:** ✅ Approved

        ## Test Results: X

        **Verdict:** ❌ Needs Fixes
        """)
        XCTAssertEqual(doc.failedVerdictSections.map(\.title), ["Security Audit: X", "Test Results: X"])
        XCTAssertEqual(PlanDocument("## Code Review\n\n**Verdict:** ✅ Approved\n").failedVerdictSections, [])
    }
}
