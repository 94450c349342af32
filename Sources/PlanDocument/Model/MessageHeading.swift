/// A message heading: `Builder → Architect (10:25)`, `Tester -> Builder, Reviewer - 2026-11-24 14:30`.
struct MessageHeading: Equatable {
    var from: String
    var to: [String]
    var time: String

    /// Parties every PLAN.md knows; outside the Messages section only these make a message.
    static let knownParties: Set<String> = [
        "architect", "builder", "tester", "reviewer", "security", "docwriter",
        "all", "orchestrator", "human", "user", "team", "factory",
    ]

    private static let arrows = ["→", "->", "=>", "⇒", "⟶"]

    /// Parses heading text; nil when it is not a message heading. `strict` demands known parties.
    static func parse(_ text: String, strict: Bool) -> MessageHeading? {
        guard let arrow = arrows.compactMap({ text.firstRange(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound })
        else { return nil }
        let from = party(text[..<arrow.lowerBound])
        var rest = Substring(text[arrow.upperBound...]).trimmingBlanks()
        var time = ""
        if rest.hasSuffix(")"), let open = rest.lastIndex(of: "(") {
            time = String(rest[rest.index(after: open)..<rest.index(before: rest.endIndex)]).trimmingBlanks()
            rest = rest[..<open].trimmingBlanks()
        } else if let dash = rest.ranges(of: " - ").last ?? rest.ranges(of: " — ").last {
            time = String(rest[dash.upperBound...]).trimmingBlanks()
            rest = rest[..<dash.lowerBound].trimmingBlanks()
        }
        let to = rest.split(whereSeparator: { $0 == "," || $0 == "&" }).map { party($0) }
        guard isParty(from), !to.isEmpty, to.allSatisfy(isParty) else { return nil }
        if strict {
            let all = [from] + to
            guard all.allSatisfy({ knownParties.contains($0.lowercased()) }) else { return nil }
        }
        return MessageHeading(from: from, to: to, time: time)
    }

    private static func party<S: StringProtocol>(_ s: S) -> String { strippingEmphasis(s) }

    /// A name: a few words of letters, digits, `-`, `_`, `.`, `@`.
    private static func isParty(_ s: String) -> Bool {
        guard !s.isEmpty, s.count <= 40, s.split(separator: " ").count <= 3 else { return false }
        return s.unicodeScalars.allSatisfy {
            $0.properties.isAlphabetic || ("0"..."9").contains($0) || " -_.@".unicodeScalars.contains($0)
        }
    }
}

/// The verdict sections agents write, by heading.
enum VerdictSection {
    /// `## Code Review: Auth` → (.review, "Auth").
    static func parse(_ heading: String) -> (VerdictKind, String)? {
        let lower = heading.lowercased()
        let kinds: [(String, VerdictKind)] = [
            ("code review", .review), ("review", .review),
            ("security audit", .security), ("security review", .security),
            ("test results", .tests), ("test report", .tests), ("tests", .tests),
        ]
        for (prefix, kind) in kinds where lower.hasPrefix(prefix) {
            let after = heading.dropFirst(prefix.count)
            guard after.isEmpty || after.first == ":" || after.first == " " else { continue }
            let subject = after.drop { $0 == ":" || $0 == " " || $0 == "-" || $0 == "—" }
            return (kind, String(subject).trimmingBlanks())
        }
        return nil
    }

    /// Reads a verdict line for a kind of section.
    static func classify(_ line: String, kind: VerdictKind) -> String {
        let text = strippingEmphasis(line).lowercased()
        if text.isEmpty { return "undecided" }
        // The template lists every alternative: nothing decided yet.
        if text.contains("|") || text.contains(" / ") || text.contains(" or ") { return "undecided" }
        let has = { (s: String) in text.contains(s) }
        switch kind {
        case .review:
            if has("changes requested") || has("changes_requested") || has("request changes") || has("❌") { return "changes_requested" }
            if has("approved") || has("approve") || has("lgtm") || has("✅") { return "approved" }
        case .security:
            if has("critical") || has("block") || has("❌") || has("veto") { return "critical_block" }
            if has("issues found") || has("issues_found") || has("⚠") { return "issues_found" }
            if has("secure") || has("✅") || has("no issues") { return "secure" }
        case .tests:
            if has("needs fixes") || has("needs_fixes") || has("fail") || has("❌") { return "needs_fixes" }
            if has("pass") || has("✅") { return "pass" }
        }
        return "unknown"
    }

    /// What `factory` writes for a verdict value.
    static func text(for verdict: String, kind: VerdictKind) -> String? {
        switch (kind, verdict) {
        case (.review, "approved"): return "✅ Approved"
        case (.review, "changes_requested"): return "❌ Changes Requested"
        case (.security, "secure"): return "✅ Secure"
        case (.security, "issues_found"): return "⚠️ Issues Found"
        case (.security, "critical_block"): return "❌ Critical Block"
        case (.tests, "pass"): return "✅ Tests Pass"
        case (.tests, "needs_fixes"): return "❌ Needs Fixes"
        default: return nil
        }
    }

    static func heading(for kind: VerdictKind) -> String {
        switch kind {
        case .review: return "Code Review"
        case .security: return "Security Audit"
        case .tests: return "Test Results"
        }
    }
}
