/// A level-2 section of PLAN.md as written: its title and the lines under its heading, up to
/// the next heading of level 1 or 2. For reading (the dashboard's plan view), not editing.
public struct PlanSection: Sendable, Equatable {
    public var title: String
    /// The section's lines after its heading, terminators left out.
    public var lines: [String]

    public init(title: String, lines: [String]) {
        self.title = title
        self.lines = lines
    }
}

extension PlanDocument {
    /// The level-2 sections whose title passes `wanted`, in file order.
    public func sections(where wanted: (String) -> Bool) -> [PlanSection] {
        bytes.withUnsafeBufferPointer { b in
            let src = Source(b: b, lines: lines)
            var found: [PlanSection] = []
            // Heading blocks of level 1 or 2, in order; each one ends the section before it.
            let headings = blocks.filter { $0.kind == .heading && $0.level <= 2 }
            for (i, heading) in headings.enumerated() where heading.level == 2 {
                let title = src.headingText(heading)
                guard wanted(title) else { continue }
                let end = i + 1 < headings.count ? headings[i + 1].firstLine : lines.count
                let body = (heading.lastLine + 1)..<max(heading.lastLine + 1, end)
                found.append(PlanSection(title: title, lines: body.map { src.string(src.content($0)) }))
            }
            return found
        }
    }
}

extension PlanDocument {
    /// Verdicts that send the work back: a veto, changes asked for, failing tests.
    public static let failingVerdicts: Set<String> = ["changes_requested", "critical_block", "issues_found", "needs_fixes"]

    /// The verdict sections (`## Security Audit`, `## Code Review`, `## Test Results`) whose
    /// verdict sends the work back, in file order.
    public var failedVerdictSections: [PlanSection] {
        let failing = view.verdicts.filter { Self.failingVerdicts.contains($0.verdict) }
        guard !failing.isEmpty else { return [] }
        return sections { title in
            guard let (kind, subject) = VerdictSection.parse(title) else { return false }
            return failing.contains { $0.kind == kind && $0.subject == subject }
        }
    }
}

/// A stretch of PLAN.md that belongs to someone: a verdict section to its kind's role, a
/// message to its sender. Lines are 0-based, heading through last line.
public struct PlanRegion: Sendable, Equatable {
    public enum Owner: Sendable, Equatable {
        case verdict(VerdictKind, subject: String)
        case message(from: String)
        /// A task row, by its ID and the agent it is for.
        case task(id: String, agent: String)
    }

    public var owner: Owner
    public var lines: Range<Int>
}

extension PlanDocument {
    /// Every verdict section, every message and every task row, with the lines it spans.
    public var regions: [PlanRegion] {
        anchors.verdicts.map { PlanRegion(owner: .verdict($0.kind, subject: $0.subject), lines: $0.headingLine..<max($0.headingLine + 1, $0.sectionEnd)) }
            + zip(view.messages, anchors.messageSpans).map { PlanRegion(owner: .message(from: $0.from), lines: $1) }
            + view.tasks.map { PlanRegion(owner: .task(id: $0.id, agent: $0.agent), lines: ($0.line - 1)..<$0.line) }
    }
}
