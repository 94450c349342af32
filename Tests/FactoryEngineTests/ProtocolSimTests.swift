@testable import FactoryEngine
import Foundation
import XCTest

/// The claude protocol end to end through the engine, fast: the simulated agent speaking
/// stream-json (`agent-sim --protocol claude`), beside the real CLI's tests.
final class ProtocolSimTests: XCTestCase {
    static let speaking = "command: [\"{factory}\", \"agent-sim\", \"--role\", \"{role}\", \"--plan\", \"{plan}\", \"--protocol\", \"claude\"]\nprotocol: claude"

    func testARequestWaitsForItsAnswerThenThePipelineGoesOn() throws {
        let factory = try SimFactory(overrides: ["builder": Self.speaking])
        defer { factory.remove() }
        let engine = try factory.engine(environment: ["FACTORY_SIM_ASK": "builder"])
        defer { engine.shutdown() }
        try engine.start(feature: "Asked")
        engine.drive()
        let waiting = waitFor(engine) { $0.agents.contains { $0.role == "builder" && $0.state == .waitingInput } }
        let builder = waiting?.agents.first { $0.role == "builder" }
        XCTAssertEqual(builder?.request?.summary, "Bash: make release")
        XCTAssertEqual(waiting?.attention.first?.kind, .request)
        XCTAssertEqual(try engine.perform(.allow(role: "builder", always: false)), "allowed builder: Bash: make release")
        XCTAssertThrowsError(try engine.perform(.allow(role: "builder", always: false)), "answered once")
        let done = waitFor(engine, timeout: 40) { $0.phase == .done }
        XCTAssertNotNil(done)
        let cost = done?.agents.first { $0.role == "builder" }?.costUSD ?? 0
        XCTAssertGreaterThan(cost, 0, "its cost is known")
        XCTAssertEqual(done?.spentByPhase["implementation"] ?? 0, cost, accuracy: 1e-9, "the feature's cost, by phase")
        XCTAssertEqual(done?.featureCostUSD ?? 0, cost, accuracy: 1e-9)
    }

    func testTheRolesAllowListAnswersForTheHuman() throws {
        let factory = try SimFactory(overrides: ["builder": Self.speaking + "\nallow: [\"Bash(make:*)\"]"])
        defer { factory.remove() }
        let engine = try factory.engine(environment: ["FACTORY_SIM_ASK": "builder"])
        defer { engine.shutdown() }
        try engine.start(feature: "By the rules")
        engine.drive()
        XCTAssertNotNil(waitFor(engine, timeout: 40) { $0.phase == .done }, "nobody had to answer")
        let events = (try? String(contentsOfFile: factory.paths.events, encoding: .utf8)) ?? ""
        XCTAssertTrue(events.contains("Bash: make release: allowed by builder's rule Bash(make:*)"), events)
    }

    /// "Always" lasts: the rule joins agents/builder.md's allow list, and the next call like
    /// the first is answered by it, without a human.
    func testAlwaysAllowingWritesTheRuleIntoTheRoleFile() throws {
        let factory = try SimFactory(overrides: ["builder": Self.speaking + "\nallow: [\"Edit\"]"])
        defer { factory.remove() }
        let engine = try factory.engine(environment: ["FACTORY_SIM_ASK": "builder", "FACTORY_SIM_ASK_TIMES": "2"])
        defer { engine.shutdown() }
        try engine.start(feature: "Always")
        engine.drive()
        XCTAssertNotNil(waitFor(engine, timeout: 40) { $0.agents.contains { $0.role == "builder" && $0.state == .waitingInput } })
        let said = try engine.perform(.allow(role: "builder", always: true))
        XCTAssertTrue(said.hasPrefix("always allowed builder: Bash: bench "), said)
        XCTAssertTrue(said.hasSuffix("; rule Bash(bench:*) is in agents/builder.md's allow list"), said)
        let file = try String(contentsOfFile: factory.paths.agents + "/builder.md", encoding: .utf8)
        XCTAssertTrue(file.contains("allow: [\"Edit\", \"Bash(bench:*)\"]"), file)
        XCTAssertNotNil(waitFor(engine, timeout: 40) { $0.phase == .done }, "the second call was answered without a human")
        let events = (try? String(contentsOfFile: factory.paths.events, encoding: .utf8)) ?? ""
        XCTAssertEqual(events.components(separatedBy: "allowed by builder's rule Bash(bench:*)").count - 1, 1, events)
    }

    /// A state.json written before the newer fields existed still reads.
    func testAnOlderStateFileStillReads() throws {
        let old = #"{"phase":"implementation","feature":"Old","validationFailures":0,"conflicts":[],"runs":{"builder":{"role":"builder","state":"running","attempts":1,"pid":4242}}}"#
        let state = try JSONDecoder().decode(EngineState.self, from: Data(old.utf8))
        XCTAssertEqual(state.phase, .implementation)
        XCTAssertEqual(state.run("builder").pid, 4242)
        XCTAssertNil(state.spentByPhase)
        XCTAssertNil(state.run("builder").request)
    }
}
