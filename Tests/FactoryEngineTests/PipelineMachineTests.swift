@testable import FactoryEngine
import PlanDocument
import XCTest

/// The pipeline's decisions, with no git, no processes and no clock: a PLAN.md view made
/// from the template and edits, agent runs as values, and the actions that come back.
final class PipelineMachineTests: XCTestCase {
    typealias Machine = PipelineMachine

    /// The template with `edits` applied, as the engine would have parsed it.
    func view(_ edits: [PlanEdit] = []) throws -> PlanView {
        try PlanDocument(PlanTemplate.text()).applying(edits).view
    }

    func task(_ role: String, _ status: String, _ description: String = "work") -> PlanEdit {
        .addTask(TaskDraft(agent: role, status: status, priority: "P0", description: description))
    }

    func run(_ role: String, _ state: AgentState, phase: Phase?, attempts: Int = 1) -> AgentRun {
        var run = AgentRun(role: role)
        run.state = state
        run.phase = phase
        run.attempts = attempts
        return run
    }

    /// The verdicts as the engine recorded them from their roles.
    func ledger(_ given: [(VerdictKind, String)]) -> VerdictLedger {
        var ledger = VerdictLedger()
        for (kind, verdict) in given { ledger[kind] = SealedVerdict(verdict: verdict, subject: "Greeting", by: VerdictLedger.role(for: kind), at: 0) }
        return ledger
    }

    func decide(_ phase: Phase, _ view: PlanView, runs: [AgentRun] = [], failures: Int = 0, autoApprove: Bool = false,
                now: Double = .infinity, overBudget: Bool = false, rolesOverBudget: Set<String> = [],
                approved: Bool = false, verdicts: [(VerdictKind, String)] = []) -> [Machine.Action] {
        var input = Machine.Input(phase: phase, feature: "Greeting", view: view, runs: Dictionary(uniqueKeysWithValues: runs.map { ($0.role, $0) }),
                                  retries: ["builder": 1, "architect": 3, "tester": 3, "reviewer": 3, "security": 3, "docwriter": 3],
                                  validationFailures: failures, validationRetries: 2, autoApprove: autoApprove,
                                  day: "2026-11-26", minute: "2026-11-26 10:00", now: now)
        input.overBudget = overBudget
        input.rolesOverBudget = rolesOverBudget
        input.approved = approved
        input.verdicts = ledger(verdicts)
        return Machine(input: input).decide()
    }

    func go(_ phase: Phase, _ reason: String) -> Machine.Action { .transition(Machine.Transition(to: phase, reason: reason)) }

    func testFinishedAndBlockedPipelinesDecideNothing() throws {
        for phase in [Phase.idle, .done, .blocked] { XCTAssertEqual(decide(phase, try view()), [], phase.rawValue) }
    }

    func testPlanningRunsTheArchitectUntilItsTasksAreDone() throws {
        XCTAssertEqual(decide(.planning, try view([task("architect", "pending")])), [.start(role: "architect", retry: nil)])
        let running = run("architect", .running, phase: .planning)
        XCTAssertEqual(decide(.planning, try view([task("architect", "done")]), runs: [running]), [], "waits for it to exit")
        XCTAssertEqual(decide(.planning, try view([task("architect", "done")]), runs: [run("architect", .exited, phase: .planning)]),
                       [go(.awaitingApproval, "the architect's design is ready")])
    }

    func testAnArchitectThatExitedWithADesignButNoTasksIsFinished() throws {
        let design = try view([.appendSection(markdown: "## Design: Greeting\n\nOne command.")])
        XCTAssertEqual(decide(.planning, design, runs: [run("architect", .exited, phase: .planning)]),
                       [go(.awaitingApproval, "the architect's design is ready")])
    }

    func testTheApprovalGate() throws {
        let planned = try view([task("architect", "done")])
        XCTAssertEqual(decide(.awaitingApproval, planned), [], "only a human moves it")
        XCTAssertEqual(decide(.awaitingApproval, planned, autoApprove: true), [.approvePlan(note: "(Approved automatically by the demo.)")])
        let ticked = try view([task("architect", "done"), .setCheckpointItem(text: Gates.approvalItem, done: true)])
        XCTAssertEqual(decide(.awaitingApproval, ticked), [], "a tick in PLAN.md is not the human's approval")
        XCTAssertEqual(decide(.awaitingApproval, planned, approved: true), [go(.implementation, "the plan was approved")])
        let revise = try view([task("architect", "done"), task("architect", "pending", "Revise the design: more tests")])
        XCTAssertEqual(decide(.awaitingApproval, revise), [go(.planning, "the plan was sent back to the architect")])
    }

    /// A program that could not be started blocks at once, with its cause: a retry would
    /// fail the same way.
    func testAnAgentThatCouldNotStartBlocksAtOnce() throws {
        var never = run("architect", .failed, phase: .planning)
        never.problem = "cannot start claude: No such file or directory"
        XCTAssertEqual(decide(.planning, try view([task("architect", "pending")]), runs: [never]),
                       [go(.blocked, "architect: cannot start claude: No such file or directory")])
        var lost = never
        lost.pid = 4242
        lost.problem = "architect's keeper ended without recording how the agent ended"
        XCTAssertEqual(decide(.planning, try view([task("architect", "pending")]), runs: [lost]),
                       [.start(role: "architect", retry: "architect failed without finishing; retrying (1/4)")], "a run that did start is retried")
    }

    /// A run that failed at once is retried after a pause that grows with each attempt, and
    /// the reason it blocks names the last exit status.
    func testARetryWaitsForItsPause() throws {
        let open = try view([task("architect", "pending")])
        var failed = run("architect", .failed, phase: .planning, attempts: 2)
        failed.endedAt = 100
        failed.exitCode = 3
        XCTAssertEqual(decide(.planning, open, runs: [failed], now: 100.5), [.wait(seconds: 1.5)], "2 s after the second attempt")
        XCTAssertEqual(decide(.planning, open, runs: [failed], now: 102.5),
                       [.start(role: "architect", retry: "architect failed with status 3 without finishing; retrying (2/4)")])
        failed.attempts = 4
        XCTAssertEqual(decide(.planning, open, runs: [failed], now: 100.5),
                       [go(.blocked, "architect did not finish its work in 4 attempts (last: failed with status 3; finishing means its tasks done or a ## Design: section written)")],
                       "past the budget it blocks at once")
        XCTAssertEqual(Machine.retryPause(after: 1), 1)
        XCTAssertEqual(Machine.retryPause(after: 9), 30)
    }

    /// Past the feature's budget no agent starts; past a role's own `budget_usd`, that role's
    /// agents do not, and the others still do.
    func testABudgetSpentStartsNoAgent() throws {
        let open = try view([task("tester", "pending"), task("builder", "done")])
        XCTAssertEqual(decide(.implementation, try view([task("builder", "pending")]), overBudget: true), [], "the feature's budget")
        XCTAssertEqual(decide(.validation, open, rolesOverBudget: ["tester"]),
                       [.start(role: "reviewer", retry: nil), .start(role: "security", retry: nil)], "the tester's own budget")
    }

    func testImplementationRetriesTheBuilderWithinItsBudgetThenBlocks() throws {
        let open = try view([task("builder", "pending")])
        XCTAssertEqual(decide(.implementation, open), [.start(role: "builder", retry: nil)])
        XCTAssertEqual(decide(.implementation, open, runs: [run("builder", .failed, phase: .implementation, attempts: 1)]),
                       [.start(role: "builder", retry: "builder failed without finishing; retrying (1/2)")])
        XCTAssertEqual(decide(.implementation, open, runs: [run("builder", .failed, phase: .implementation, attempts: 2)]),
                       [go(.blocked, "builder did not finish its work in 2 attempts (last: failed; finishing means its tasks done)")])
        XCTAssertEqual(decide(.implementation, open, runs: [run("builder", .killed, phase: .implementation)]), [],
                       "a killed agent stays down until spawned")
        XCTAssertEqual(decide(.implementation, open, runs: [run("builder", .failed, phase: .planning, attempts: 5)]),
                       [.start(role: "builder", retry: nil)], "attempts of another phase do not count")
        XCTAssertEqual(decide(.implementation, try view([task("builder", "done")])), [go(.validation, "the builder's tasks are done")])
    }

    func testValidationWaitsForAllThreeVerdicts() throws {
        let built = [task("builder", "done")]
        XCTAssertEqual(decide(.validation, try view(built)),
                       ["tester", "reviewer", "security"].map { .start(role: $0, retry: nil) })
        let two: [(VerdictKind, String)] = [(.tests, "pass"), (.review, "approved")]
        XCTAssertEqual(decide(.validation, try view(built), runs: [run("tester", .exited, phase: .validation), run("reviewer", .exited, phase: .validation)], verdicts: two),
                       [.start(role: "security", retry: nil)], "only the role whose verdict is missing runs")
        let all = two + [(.security, "secure")]
        XCTAssertEqual(decide(.validation, try view(built), runs: [run("security", .running, phase: .validation)], verdicts: all), [], "waits for security to exit")
        XCTAssertEqual(decide(.validation, try view(built), verdicts: all), [go(.documentation, "tester, reviewer and security all passed")])
        let written = try view(built + [.recordVerdict(kind: .tests, subject: "Greeting", verdict: "pass"),
                                        .recordVerdict(kind: .review, subject: "Greeting", verdict: "approved"),
                                        .recordVerdict(kind: .security, subject: "Greeting", verdict: "secure")])
        let again = decide(.validation, written, runs: ["tester", "reviewer", "security"].map { run($0, .exited, phase: .validation) })
        XCTAssertEqual(again.map { if case .start(let role, let retry) = $0, retry != nil { return role } else { return "?" } },
                       ["tester", "reviewer", "security"], "verdicts written into PLAN.md by anyone are not given: each validator runs again")
    }

    func testAVetoSendsTheWorkBackWithTheFindingsInOneTransition() throws {
        let vetoed = try view([task("builder", "done"), .recordVerdict(kind: .tests, subject: "Greeting", verdict: "pass"),
                               .recordVerdict(kind: .review, subject: "Greeting", verdict: "approved"),
                               .recordVerdict(kind: .security, subject: "Greeting", verdict: "critical_block")])
        let back = Machine.Transition(to: .implementation, reason: "validation failed: security: critical block", extra: [
            .appendMessage(from: "Orchestrator", to: ["Builder"], body: "Validation round 1 failed: security: critical block. Security's critical block is a veto. Read the findings in the verdict sections and fix them.", time: "2026-11-26 10:00"),
            .addTask(TaskDraft(agent: "builder", status: "pending", priority: "P0", description: "Fix validation findings (round 1): security: critical block")),
        ], validationRound: 1, veto: true)
        let given: [(VerdictKind, String)] = [(.tests, "pass"), (.review, "approved"), (.security, "critical_block")]
        XCTAssertEqual(decide(.validation, vetoed, verdicts: given), [.transition(back)])
        XCTAssertEqual(decide(.validation, vetoed, failures: 2, verdicts: given),
                       [.transition(Machine.Transition(to: .blocked, reason: "validation failed 3 times (security: critical block)", validationRound: 3, veto: true))],
                       "past the retry budget the pipeline blocks")
    }

    func testDocumentationThenMerge() throws {
        XCTAssertEqual(decide(.documentation, try view([task("docwriter", "pending")])), [.start(role: "docwriter", retry: nil)])
        XCTAssertEqual(decide(.documentation, try view([task("docwriter", "done")])), [go(.merge, "the docwriter's tasks are done")])
        XCTAssertEqual(decide(.merge, try view()), [.merge])
    }

    /// A new feature's validation opens its own verdict sections; an earlier feature's
    /// verdicts are its record and stay as written.
    func testValidationLeavesEarlierFeaturesVerdictsAlone() throws {
        let earlier = try view([.recordVerdict(kind: .review, subject: "First", verdict: "approved")])
        let edits = Machine.entryEdits(.validation, view: earlier, feature: "Second")
        XCTAssertEqual(edits, VerdictKind.allCases.map { .recordVerdict(kind: $0, subject: "Second", verdict: "undecided") })
        let after = try PlanDocument(PlanTemplate.text()).applying([.recordVerdict(kind: .review, subject: "First", verdict: "approved")] + edits).view
        XCTAssertEqual(after.verdicts.first { $0.subject == "First" }?.verdict, "approved")
        XCTAssertEqual(after.verdicts.filter { $0.subject == "Second" }.map(\.verdict), ["undecided", "undecided", "undecided"])
        XCTAssertFalse(Gates.validation(VerdictLedger()).complete, "the gate waits for the new round's verdicts")
    }

    /// One transition, one write: every edit it makes is in one batch.
    func testATransitionWritesItsEditsAsOneBatch() throws {
        let decided = try view([.recordVerdict(kind: .security, subject: "Greeting", verdict: "secure")])
        let edits = Machine.edits(from: .implementation, Machine.Transition(to: .validation, reason: "the builder's tasks are done"),
                                  view: decided, feature: "Greeting", day: "2026-11-26")
        XCTAssertEqual(edits, VerdictKind.allCases.map { .recordVerdict(kind: $0, subject: "Greeting", verdict: "undecided") } + [
            .appendChangeLog(date: "2026-11-26", change: "Phase implementation → validation: the builder's tasks are done", by: "Orchestrator"),
            .setField(name: "Status", value: "🔍 Validation"),
        ])
        XCTAssertEqual(Machine.entryEdits(.implementation, view: try view(), feature: "Greeting"),
                       [.addTask(TaskDraft(agent: "builder", status: "pending", priority: "P0", description: "Implement: Greeting"))],
                       "a phase whose role has no open task gets one")
        XCTAssertEqual(Machine.entryEdits(.implementation, view: try view([task("builder", "pending")]), feature: "Greeting"), [])
    }
}
