import CCrypto
import Foundation
import PlanDocument

/// The human's approval of a feature's plan, sealed with what was approved: the design and
/// the feature's tasks as they stood at that moment, and their SHA-256. Only the engine
/// makes one, on the human's own act (the approve key, `factory approve` from a process
/// that is not an agent's); a tick in PLAN.md is never one.
public struct PlanApproval: Codable, Sendable, Equatable {
    public var feature: String
    /// SHA-256 of `lines`, in hex.
    public var seal: String
    /// What was approved, a line each: the design's lines, then one line per task.
    public var lines: [String]
    /// Seconds since the epoch.
    public var at: Double
    /// `human`, or `demo` for the headless demo's automatic approval.
    public var by: String

    public init(feature: String, lines: [String], at: Double, by: String) {
        self.feature = feature
        self.lines = lines
        self.seal = PlanSeal.sha256(lines.joined(separator: "\n"))
        self.at = at
        self.by = by
    }

    /// The seal's first 12 digits, as people quote it.
    public var shortSeal: String { String(seal.prefix(12)) }
}

/// What an approval covers, read from PLAN.md: the feature's design section(s) as the plan
/// view shows them, and its tasks — ID, agent, priority, description, dependencies, but not
/// status, which moves as the work is done.
public enum PlanSeal {
    public static func lines(of plan: PlanDocument, feature: String, tasksBefore: [String]?) -> [String] {
        let reading = PlanReading(plan, feature: feature)
        var lines: [String] = []
        for section in reading.design {
            lines.append("## \(section.title)")
            var body = section.lines
            while body.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { body.removeLast() }
            lines += body.map { $0.trimmingTrailingBlanks() }
        }
        let earlier = Set(tasksBefore ?? [])
        for task in plan.view.tasks where !earlier.contains(task.id) {
            let after = task.dependsOn.isEmpty ? "" : " · after \(task.dependsOn.joined(separator: ", "))"
            lines.append("task \(task.id) · \(task.agent) · \(task.priority) · \(task.description)\(after)")
        }
        return lines
    }

    /// What changed between the approved lines and the plan's lines now: `- ` for a line
    /// approved and gone, `+ ` for a line new since. Order within each kind follows the plan.
    public static func changes(from approved: [String], to now: [String]) -> [String] {
        var left = Dictionary(approved.map { ($0, 1) }, uniquingKeysWith: +)
        var added: [String] = []
        for line in now {
            if let n = left[line], n > 0 { left[line] = n - 1 } else { added.append("+ " + line) }
        }
        var removed: [String] = []
        for line in approved where (left[line] ?? 0) > 0 {
            left[line]! -= 1
            removed.append("- " + line)
        }
        return removed + added
    }

    static func sha256(_ text: String) -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { _ = SHA256($0.baseAddress, $0.count, &digest) }
        return digest.map { String(format: "%02x", $0) }.joined()
    }
}

extension String {
    func trimmingTrailingBlanks() -> String {
        var s = Substring(self)
        while let last = s.last, last == " " || last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
