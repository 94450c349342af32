import Foundation
import PlanDocument

/// What the engine knows of one agent's copy of PLAN.md: the versions it gave the agent
/// (newest last). An agent's write was made from one of them; the one it differs from
/// least is the base its edits are measured against — an agent that read the copy just
/// before the engine refreshed it wrote on the older version, and measuring against the
/// newer would read the refresh as something it undid.
struct PlanCopy {
    static let kept = 4
    private(set) var given: [[UInt8]] = []

    mutating func gave(_ bytes: [UInt8]) {
        taken = nil
        given.removeAll { $0 == bytes }
        given.append(bytes)
        if given.count > Self.kept { given.removeFirst(given.count - Self.kept) }
    }

    /// What the agent wrote that was last taken into PLAN.md: the copy may be refreshed
    /// over it. Kept apart from `given`, so the same write made again is taken again.
    private(set) var taken: [UInt8]?

    mutating func took(_ bytes: [UInt8]) { taken = bytes }

    /// The bytes are a version the engine gave: the agent has changed nothing since.
    func isGiven(_ bytes: [UInt8]) -> Bool { given.contains(bytes) }

    /// The copy holds nothing the engine has not seen: it may be replaced.
    func isSeen(_ bytes: [UInt8]) -> Bool { isGiven(bytes) || bytes == taken }

    /// The version `written` was most likely made from.
    func base(of written: [UInt8]) -> [UInt8]? {
        LineMerge.closest(to: written, among: given)
    }
}
