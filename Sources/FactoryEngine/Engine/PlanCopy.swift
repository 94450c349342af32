import Foundation
import PlanDocument

/// What the engine knows of one agent's copy of PLAN.md: the versions it gave the agent,
/// and the versions of the agent's it took into PLAN.md (newest last, a few of each). An
/// agent's write was made from one of them; the one it differs from least is the base its
/// edits are measured against. An agent that wrote twice before the engine refreshed its
/// copy wrote the second time on its own first write; one that read the copy just before a
/// refresh wrote on the older version — measured against the newer, the refresh would read
/// as something it undid, and lines both had changed would be kept twice.
struct PlanCopy {
    static let kept = 4
    private(set) var given: [[UInt8]] = []
    private(set) var taken: [[UInt8]] = []
    /// Both, in the order they happened (newest last).
    private(set) var seen: [[UInt8]] = []

    /// The agent's write taken last, while the copy has not been given anything since:
    /// seen again (a second event for the same write) it is not taken twice.
    private(set) var lastTaken: [UInt8]?

    mutating func gave(_ bytes: [UInt8]) {
        Self.remember(bytes, in: &given, keeping: Self.kept)
        Self.remember(bytes, in: &seen, keeping: 2 * Self.kept)
        lastTaken = nil
    }

    /// What the agent wrote, taken into PLAN.md: the copy may be refreshed over it.
    mutating func took(_ bytes: [UInt8]) {
        Self.remember(bytes, in: &taken, keeping: Self.kept)
        Self.remember(bytes, in: &seen, keeping: 2 * Self.kept)
        lastTaken = bytes
    }

    /// Nothing new to take: the copy is as given, or is the write just taken.
    func hasNothingNew(_ bytes: [UInt8]) -> Bool { isGiven(bytes) || bytes == lastTaken }

    /// The bytes are a version the engine gave: the agent has changed nothing since.
    func isGiven(_ bytes: [UInt8]) -> Bool { given.contains(bytes) }

    /// The copy holds nothing the engine has not seen: it may be replaced.
    func isSeen(_ bytes: [UInt8]) -> Bool { isGiven(bytes) || taken.contains(bytes) }

    /// The versions `written` may have been made from, newest first. Never `written` itself:
    /// the same write made again (a tick put back, ticked again) is measured against what
    /// the agent was given since.
    func bases(of written: [UInt8]) -> [[UInt8]] {
        seen.reversed().filter { $0 != written }
    }

    private static func remember(_ bytes: [UInt8], in list: inout [[UInt8]], keeping: Int) {
        list.removeAll { $0 == bytes }
        list.append(bytes)
        if list.count > keeping { list.removeFirst(list.count - keeping) }
    }
}
