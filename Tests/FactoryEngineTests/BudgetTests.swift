@testable import FactoryEngine
import Foundation
import XCTest

/// A feature's budget: past it the pipeline starts no agent and asks the human.
final class BudgetTests: XCTestCase {
    func testAmountsReadAsPeopleWriteThem() {
        XCTAssertEqual(Budget.parse("5"), 5)
        XCTAssertEqual(Budget.parse("$5.50"), 5.5)
        XCTAssertEqual(Budget.parse(" 0.75 USD "), 0.75)
        XCTAssertNil(Budget.parse("five"))
        XCTAssertNil(Budget.parse("-1"))
        XCTAssertNil(Budget.parse("inf"))
        XCTAssertEqual(Budget.text(0.0042), "$0.0042")
        XCTAssertEqual(Budget.text(12.345), "$12.35")
    }

    func testNoAgentStartsPastTheBudgetUntilTheHumanRaisesIt() throws {
        let factory = try SimFactory(overrides: ["architect": ProtocolSimTests.speaking, "builder": ProtocolSimTests.speaking])
        defer { factory.remove() }
        let engine = try factory.engine()
        defer { engine.shutdown() }
        try engine.start(feature: "Frugal", budgetUSD: 0.001)
        engine.drive()
        let held = waitFor(engine, timeout: 40) { $0.phase == .implementation && $0.attention.contains { $0.kind == .budget } }
        XCTAssertNotNil(held, "the architect's turn spent the budget")
        XCTAssertEqual(held?.budgetUSD, 0.001)
        XCTAssertEqual(held?.attention.first { $0.kind == .budget }?.message,
                       "the feature has spent $0.0084 of its $0.0010 budget: no agent starts; factory budget N raises it")
        // The builder stays down for a while: checked again and again, not once after a pause.
        let watchUntil = Date().addingTimeInterval(1)
        while Date() < watchUntil {
            XCTAssertEqual(engine.snapshot().agents.first { $0.role == "builder" }?.state, .notStarted, "the builder waits for the human")
            usleep(50_000)
        }
        XCTAssertEqual(try engine.perform(.budget(usd: 1)), "budget $1.00; the feature has spent $0.0084")
        XCTAssertNotNil(waitFor(engine, timeout: 40) { $0.phase == .done }, "raised: the pipeline goes on")
        let events = (try? String(contentsOfFile: factory.paths.events, encoding: .utf8)) ?? ""
        XCTAssertEqual(events.components(separatedBy: "of its $0.0010 budget: no agent starts until you raise it").count - 1, 1, "said once: \(events)")
        XCTAssertTrue(events.contains("budget set to $1.00 (spent $0.0084)"), events)
    }

    func testARoleFileCarriesItsOwnBudget() throws {
        XCTAssertEqual(try RoleDefinition.parse(role: "builder", text: "---\nbudget_usd: 2.5\n---\n").budgetUSD, 2.5)
        XCTAssertEqual(try RoleDefinition.parse(role: "builder", text: "---\nbudget_usd: \"$3\"\n---\n").budgetUSD, 3)
        XCTAssertThrowsError(try RoleDefinition.parse(role: "builder", text: "---\nbudget_usd: lots\n---\n")) {
            XCTAssertEqual("\($0)", "agents/builder.md: budget_usd must be an amount of USD above 0, like 2.50, got \"lots\"")
        }
    }

    func testABudgetMustBeAnAmount() throws {
        let factory = try SimFactory()
        defer { factory.remove() }
        let engine = try factory.engine()
        defer { engine.shutdown() }
        XCTAssertThrowsError(try engine.start(feature: "x", budgetUSD: 0)) { XCTAssertEqual("\($0)", "a budget is an amount of USD above 0, like 5 or 0.50") }
        XCTAssertEqual(try engine.perform(.budget(usd: nil)), "no budget; the feature has spent $0.0000")
    }
}
