import PlanDocument

/// The lines of PLAN.md that only the human or one role may decide — the approval box and
/// the current feature's verdict lines — checked against the engine's record after every
/// change someone else made. Pure: it says what to put back and what to tell the human.
struct PlanGuard {
    /// Who made the change, as far as the engine can tell.
    enum Writer: Equatable {
        /// One of the agents, through its own copy of PLAN.md.
        case agent(String)
        /// An edit of PLAN.md itself: the human's editor, or an agent writing the file
        /// directly; `running` are the agents running at the time.
        case unknown(running: [String])

        /// "the architect", "an edit (the architect was running)", "an edit outside factory".
        var described: String {
            switch self {
            case .agent(let role): return "the \(role)"
            case .unknown(let running) where running.count == 1: return "an edit while only the \(running[0]) was running"
            case .unknown(let running) where running.isEmpty: return "an edit outside factory (your editor?)"
            case .unknown(let running): return "an edit while \(running.joined(separator: ", ")) were running"
            }
        }

        var role: String? {
            switch self {
            case .agent(let role): return role
            case .unknown(let running): return running.count == 1 ? running[0] : nil
            }
        }
    }

    struct Finding {
        /// Each line put back, with what to tell the human about it.
        var items: [(edit: PlanEdit, alert: TrustAlert)] = []
        var putBack: [PlanEdit] { items.map(\.edit) }
        var alerts: [TrustAlert] { items.map(\.alert) }

        mutating func add(_ edit: PlanEdit, _ alert: TrustAlert) { items.append((edit, alert)) }

        /// What is found here and not in `other`: what a change brought, not what was so before it.
        func beyond(_ other: Finding) -> Finding {
            var left = Finding()
            left.items = items.filter { item in !other.items.contains { $0.edit == item.edit } }
            return left
        }
    }

    let view: PlanView
    let state: EngineState
    let writer: Writer
    let now: Double
    /// PLAN.md before the change, when the writer is known: the messages it brought are
    /// checked for whose name they bear.
    var before: PlanView?

    func check() -> Finding {
        var finding = Finding()
        // First: renaming a sender rewrites a line in place, by its number.
        messageSenders(&finding)
        approvalBox(&finding)
        verdictLines(&finding)
        return finding
    }

    /// A message an agent adds is signed with its own role: one signed Human, Orchestrator
    /// or another role would speak for them to the team.
    private func messageSenders(_ finding: inout Finding) {
        guard case .agent(let role) = writer, let before else { return }
        var known: [String: Int] = [:]
        let key = { (m: PlanMessage) in "\(m.from)\u{0}\(m.to)\u{0}\(m.time)\u{0}\(m.body)" }
        for message in before.messages { known[key(message), default: 0] += 1 }
        for message in view.messages {
            if let n = known[key(message)], n > 0 { known[key(message)] = n - 1; continue }
            guard message.from.lowercased() != role else { continue }
            finding.add(.setMessageSender(line: message.line, from: role),
                        alert("The \(role) wrote a message signed \(message.from); it stands as the \(role)'s"))
        }
    }

    /// The box shows the engine's record: ticked once the human approved, not before.
    private func approvalBox(_ finding: inout Finding) {
        let ticked = Gates.approvalTicked(view)
        guard ticked != state.approved, state.phase != .idle else { return }
        let edit = PlanEdit.setCheckpointItem(text: Gates.approvalItem, done: state.approved)
        if state.approved {
            finding.add(edit, alert("\(writer.described.capitalizedFirst) unticked \"\(Gates.approvalItem)\"; the approval stands (factory reject sends a plan back)"))
            return
        }
        var message = "\(writer.described.capitalizedFirst) ticked \"\(Gates.approvalItem)\"; only you approve"
        if state.phase == .awaitingApproval, writer.role == nil {
            message += ": if that was you, approve here (a, or factory approve)"
        }
        finding.add(edit, alert(message))
    }

    /// Each kind's verdict lines for the current feature say what its role gave, or
    /// undecided; a section missing is written again.
    private func verdictLines(_ finding: inout Finding) {
        guard [.validation, .documentation, .merge].contains(state.phase) || (state.phase == .blocked && state.verdicts != nil),
              state.verdicts != nil else { return }
        let ledger = state.ledger
        let feature = Self.normalized(state.feature)
        for kind in VerdictKind.allCases {
            let standing = ledger.standing(kind)
            let ofKind = view.verdicts.filter { $0.kind == kind }
            guard let own = ofKind.lastIndex(where: { Self.normalized($0.subject) == feature }) else {
                finding.add(.recordVerdict(kind: kind, subject: state.feature, verdict: standing),
                            alert("\(writer.described.capitalizedFirst) removed the \(kind.rawValue) verdict of \"\(state.feature)\" from PLAN.md; written again"))
                continue
            }
            // This feature's section, and any of its kind written after it: the last one
            // is what a reader of PLAN.md takes for the verdict.
            for verdict in ofKind[own...] where verdict.verdict != standing {
                finding.add(.recordVerdict(kind: kind, subject: verdict.subject, verdict: standing), alert(changed(kind, to: verdict.verdict, standing: standing)))
            }
        }
    }

    private func changed(_ kind: VerdictKind, to written: String, standing: String) -> String {
        let owner = VerdictLedger.role(for: kind)
        let what = "\(writer.described.capitalizedFirst) wrote \(Self.words(written)) as the \(kind.rawValue) verdict in PLAN.md"
        if writer.role == owner {
            return "\(what); a verdict counts only through factory verdict, so it was put back to \(Self.words(standing))"
        }
        return "\(what); only the \(owner) gives it, so it was put back to \(Self.words(standing))"
    }

    /// A subject as headings keep it: case and runs of blanks do not tell two apart.
    static func normalized(_ subject: String) -> String {
        subject.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0.isNewline }).joined(separator: " ")
    }

    static func words(_ verdict: String) -> String { verdict.replacingOccurrences(of: "_", with: " ") }

    private func alert(_ message: String) -> TrustAlert { TrustAlert(role: writer.role, message: message, at: now) }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
