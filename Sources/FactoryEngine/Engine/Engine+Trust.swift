import Foundation
import PlanDocument
#if canImport(Glibc)
import Glibc
#endif

/// Who may do what: the caller of each command, the human-only commands, the sealed
/// approval, the verdicts that belong to their roles, and PLAN.md's guarded lines.
extension Engine {
    /// Who a command that came over the socket is from.
    func identify(_ peer: CommandServer.Peer) -> Caller {
        dispatchPrecondition(condition: .onQueue(queue))
        return CallerIdentity(runs: pool.runs).caller(pid: peer.pid, uid: peer.uid)
    }

    /// Who this process is: a command run here (no engine drives) is its caller's.
    func identifySelf() -> Caller {
        dispatchPrecondition(condition: .onQueue(queue))
        return CallerIdentity(runs: pool.runs).caller(pid: getpid())
    }

    /// Refuses what only the human may do when someone else asks, and says so to the
    /// human: an agent trying is worth knowing about.
    func checkAllowed(_ command: EngineCommand, by caller: Caller) throws(EngineError) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard command.humanOnly, !caller.isHuman else { return }
        let refusal = "only the human can \(command.name)"
        raise(TrustAlert(role: caller.agentRole, message: "\(caller.described.capitalizedFirst) tried to \(command.name); refused: \(refusal)", at: wallNow()), by: caller)
        publish()
        throw EngineError(refusal)
    }

    /// An alert for the rest of the feature (the latest 50), and an event for good.
    func raise(_ alert: TrustAlert, by caller: Caller) {
        dispatchPrecondition(condition: .onQueue(queue))
        state.alerts = Array(((state.alerts ?? []) + [alert]).suffix(50))
        save()
        event(.refused, role: alert.role, alert.message, by: caller)
    }

    // MARK: approval

    /// The human's approval, sealed with the design and tasks it covers, and the box
    /// ticked to show it. `by`: `human`, or `demo` for the headless demo.
    func sealApproval(note: String?, by: String) throws(EngineError) {
        let lines = PlanSeal.lines(of: plan, feature: state.feature, tasksBefore: state.tasksBeforeFeature)
        let approval = PlanApproval(feature: state.feature, lines: lines, at: wallNow(), by: by)
        let body = "Plan approved (seal \(approval.shortSeal))." + (note.map { " \($0)" } ?? "")
        let hasBox = plan.view.checkpoints.flatMap(\.items).contains { $0.text.lowercased().contains("approved the plan") }
        // The record first: a copy taken in while PLAN.md is written is checked against it.
        let before = (state.approval, state.planChangedSinceApproval)
        state.approval = approval
        state.planChangedSinceApproval = nil
        do throws(EngineError) {
            try writePlan((hasBox ? [.setCheckpointItem(text: Gates.approvalItem, done: true)] : []) + [
                .appendMessage(from: "Orchestrator", to: ["Architect"], body: body, time: Clock.minute()),
                .appendChangeLog(date: Clock.day(), change: "Plan approved (seal \(approval.shortSeal))", by: by == "human" ? "Human" : "Demo"),
            ])
        } catch {
            (state.approval, state.planChangedSinceApproval) = before
            throw error
        }
        save()
        event(.approved, role: "architect", body)
    }

    /// The approved design or tasks as they stand now, against what was sealed: the lines
    /// that changed, kept until the human approves again.
    func checkApprovedPlan() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let approval = state.approval, state.approved, ![.planning, .awaitingApproval, .idle].contains(state.phase) else { return }
        let now = PlanSeal.lines(of: plan, feature: state.feature, tasksBefore: state.tasksBeforeFeature)
            .filter { !isEngineTaskLine($0) }
        let sealed = approval.lines.filter { !isEngineTaskLine($0) }
        let changes = now == sealed ? nil : Self.approvedChanges(PlanSeal.changes(from: sealed, to: now))
        guard changes != state.planChangedSinceApproval else { return }
        let first = state.planChangedSinceApproval == nil
        state.planChangedSinceApproval = changes
        save()
        if let changes, first {
            event(.planChanged, "the approved plan changed since you approved it (seal \(approval.shortSeal)): \(changes.joined(separator: " · "))")
        }
    }

    /// The changes to what was approved: lines of it changed or gone, and lines added to the
    /// design. A task added since is new work (a validator's follow-up), shown with the
    /// tasks, not a change to the approved plan — unless it takes the ID of one that went.
    static func approvedChanges(_ changes: [String]) -> [String]? {
        let id = { (line: String) in line.split(separator: " ").dropFirst(2).first.map(String.init) }
        let gone = Set(changes.filter { $0.hasPrefix("- task ") }.compactMap(id))
        let kept = changes.filter { !$0.hasPrefix("+ task ") || id($0).map(gone.contains) == true }
        return kept.isEmpty ? nil : kept
    }

    /// Tasks the engine itself adds after approval (the phases' own, a validation round's
    /// findings) are not changes to what the human approved.
    private func isEngineTaskLine(_ line: String) -> Bool {
        guard line.hasPrefix("task "), let id = line.dropFirst(5).split(separator: " ").first else { return false }
        return (state.engineTasks ?? []).contains(String(id))
    }

    // MARK: verdicts

    /// A validator's verdict, from the agent of its role (or the human).
    func recordVerdict(_ kind: VerdictKind, verdict: String, by caller: Caller) throws(EngineError) -> String {
        dispatchPrecondition(condition: .onQueue(queue))
        guard VerdictSection.text(for: verdict, kind: kind) != nil, verdict != "undecided" else {
            let allowed = Gates.decided.filter { VerdictSection.text(for: $0, kind: kind) != nil }.sorted()
            throw EngineError("\"\(verdict)\" is not a \(kind.rawValue) verdict (use \(allowed.joined(separator: ", ")))")
        }
        var ledger = state.ledger
        if let refusal = ledger.refusal(of: verdict, kind: kind, by: caller) {
            if !caller.isHuman {
                raise(TrustAlert(role: caller.agentRole, message: "\(caller.described.capitalizedFirst) tried to give the \(kind.rawValue) verdict \(PlanGuard.words(verdict)); refused", at: wallNow()), by: caller)
                publish()
            }
            throw EngineError(refusal)
        }
        guard state.phase == .validation else {
            throw EngineError("no validation round is open (phase \(state.phase.rawValue)): verdicts are given while validation runs")
        }
        let by = caller.isHuman ? "human" : (caller.agentRole ?? caller.name)
        // The record first: a copy taken in while PLAN.md is written is checked against it.
        let before = state.verdicts
        ledger[kind] = SealedVerdict(verdict: verdict, subject: state.feature, by: by, at: wallNow())
        state.verdicts = ledger
        do throws(EngineError) { try writePlan([.recordVerdict(kind: kind, subject: state.feature, verdict: verdict)]) } catch {
            state.verdicts = before
            throw error
        }
        save()
        event(.verdict, role: VerdictLedger.role(for: kind),
              "\(kind.rawValue): \(PlanGuard.words(verdict)) (by \(by))", by: caller)
        step()
        return "\(kind.rawValue) verdict recorded: \(PlanGuard.words(verdict))"
    }

    /// The human sets security's critical block aside. It stays in PLAN.md as security
    /// wrote it; the override and its reason go into the change log, the events and HISTORY.md.
    func overrideVeto(reason: String) throws(EngineError) -> String {
        dispatchPrecondition(condition: .onQueue(queue))
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isEmpty else { throw EngineError("give a reason: factory override --reason \"…\"") }
        var ledger = state.ledger
        guard var block = ledger[.security], block.verdict == "critical_block", block.overriddenBecause == nil else {
            throw EngineError("no critical block of security's stands to override")
        }
        let atGate = state.phase == .validation || (state.phase == .blocked && state.blockedPhase == .validation)
        guard atGate else {
            throw EngineError("security's block already went back to the builder (phase \(state.phase.rawValue)); security decides again in the next validation round")
        }
        block.overriddenBecause = why
        ledger[.security] = block
        let others = Gates.validation(ledger).failures
        if state.phase == .blocked, !others.isEmpty {
            throw EngineError("other verdicts failed too (\(others.map { "\($0.kind.rawValue): \(PlanGuard.words($0.verdict))" }.joined(separator: ", "))); an override sets aside security's block only")
        }
        let before = state.verdicts
        state.verdicts = ledger
        do throws(EngineError) {
            try writePlan([
                .appendMessage(from: "Human", to: ["Security", "Builder"], body: "Security's critical block is overridden: \(why)", time: Clock.minute()),
                .appendChangeLog(date: Clock.day(), change: "Security's critical block overridden: \(why)", by: "Human"),
            ])
        } catch {
            state.verdicts = before
            throw error
        }
        save()
        event(.overridden, role: "security", "security's critical block overridden by the human: \(why)")
        if state.phase == .blocked {
            transition(to: .documentation, "security's block overridden by the human; the other verdicts passed")
        }
        step()
        return "security's critical block overridden: \(why)"
    }

    // MARK: PLAN.md's guarded lines

    /// After a change someone else made to PLAN.md: the approval box and the verdict lines
    /// are put back to the engine's record, and what was tried is raised.
    func guardPlan(writer: PlanGuard.Writer) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard options.driving, planProblem == nil else { return }
        let finding = PlanGuard(view: plan.view, state: state, writer: writer, now: wallNow()).check()
        if !finding.putBack.isEmpty { edit(finding.putBack) }
        let by: Caller = writer.role.map { .agent(role: $0, runID: pool.run($0).runID) } ?? .unknown("an edit of PLAN.md")
        for alert in finding.alerts { raise(alert, by: by) }
        checkApprovedPlan()
    }

    /// Who wrote to PLAN.md itself, as far as can be told: the agents running then.
    var unknownWriter: PlanGuard.Writer {
        .unknown(running: Role.all.filter { pool.run($0).state.isActive })
    }
}

extension Caller {
    /// This factory's agent's role, if it is one.
    var agentRole: String? {
        if case .agent(let role, _) = self { return role }
        return nil
    }
}
