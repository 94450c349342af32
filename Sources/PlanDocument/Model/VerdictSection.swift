/// The verdict sections agents write, by heading.
public enum VerdictSection {
    /// `## Code Review: Auth` → (.review, "Auth").
    static func parse(_ heading: String) -> (VerdictKind, String)? {
        let lower = heading.lowercased()
        // Short names count only with a colon: "Tests are green" is not a section of tests.
        let kinds: [(String, VerdictKind, Bool)] = [
            ("code review", .review, false), ("review", .review, true),
            ("security audit", .security, false), ("security review", .security, false), ("security", .security, true),
            ("test results", .tests, false), ("test report", .tests, false), ("tests", .tests, true),
        ]
        for (prefix, kind, needsColon) in kinds where lower.hasPrefix(prefix) {
            let after = heading.dropFirst(prefix.count)
            if needsColon { guard after.first == ":" else { continue } }
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
    public static func text(for verdict: String, kind: VerdictKind) -> String? {
        switch (kind, verdict) {
        case (.review, "approved"): return "✅ Approved"
        case (.review, "changes_requested"): return "❌ Changes Requested"
        case (.security, "secure"): return "✅ Secure"
        case (.security, "issues_found"): return "⚠️ Issues Found"
        case (.security, "critical_block"): return "❌ Critical Block"
        case (.tests, "pass"): return "✅ Tests Pass"
        case (.tests, "needs_fixes"): return "❌ Needs Fixes"
        // The template's line: every alternative, nothing decided.
        case (.review, "undecided"): return "✅ Approved | ❌ Changes Requested"
        case (.security, "undecided"): return "✅ Secure | ⚠️ Issues Found | ❌ Critical Block"
        case (.tests, "undecided"): return "✅ Tests Pass | ❌ Needs Fixes"
        default: return nil
        }
    }

    public static func heading(for kind: VerdictKind) -> String {
        switch kind {
        case .review: return "Code Review"
        case .security: return "Security Audit"
        case .tests: return "Test Results"
        }
    }
}
