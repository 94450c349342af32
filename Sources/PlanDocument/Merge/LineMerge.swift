/// A three-way merge of PLAN.md by lines: what changed from `base` to `theirs` applied onto
/// `ours`, where `ours` moved on meanwhile. An agent's copy of PLAN.md comes back this way:
/// `base` is what it was given, `theirs` what it wrote, `ours` the file now.
///
/// Nothing is lost. Changes to different lines both apply; changes that touch the same
/// lines keep both sides, ours first — two messages appended at the end at once become two
/// messages, in the order they reached the file.
public enum LineMerge {
    public struct Result: Equatable, Sendable {
        public var bytes: [UInt8]
        /// Places where both sides changed the same lines (both kept).
        public var overlaps: Int
        /// The base lines of `theirs`' changes that `allowed` refused (left as they were).
        public var refused: [Range<Int>] = []
    }

    /// `allowed` is asked for each change of `theirs` (by the base lines it replaces, empty
    /// for an insertion before that line); a change it refuses is not made.
    public static func merge(base: [UInt8], ours: [UInt8], theirs: [UInt8], allowed: ((Range<Int>) -> Bool)? = nil) -> Result {
        if theirs == base || theirs == ours && allowed == nil { return Result(bytes: ours, overlaps: 0) }
        if ours == base && allowed == nil { return Result(bytes: theirs, overlaps: 0) }
        var table = LineTable()
        let b = table.lines(base), o = table.lines(ours), t = table.lines(theirs)
        let mine = LineDiff.hunks(b.ids, o.ids).map { Change(hunk: $0, side: .ours) }
        var refused: [Range<Int>] = []
        let others = LineDiff.hunks(b.ids, t.ids).filter { hunk in
            if allowed?(hunk.old) ?? true { return true }
            refused.append(hunk.old)
            return false
        }.map { Change(hunk: $0, side: .theirs) }
        var out: [UInt8] = []
        out.reserveCapacity(ours.count + theirs.count - base.count)
        var at = 0, overlaps = 0
        for group in groups(mine + others) {
            let region = group.region
            b.append(at..<region.lowerBound, to: &out)
            let ourSide = group.changes.filter { $0.side == .ours }, theirSide = group.changes.filter { $0.side == .theirs }
            let ourText = version(of: region, ourSide, base: b, side: o)
            let theirText = version(of: region, theirSide, base: b, side: t)
            if ourSide.isEmpty { out += theirText } else if theirSide.isEmpty || ourText == theirText { out += ourText } else {
                out += ourText + theirText
                overlaps += 1
            }
            at = region.upperBound
        }
        b.append(at..<b.ids.count, to: &out)
        return Result(bytes: out, overlaps: overlaps, refused: refused)
    }

    /// The merge when the base is not known for sure, only the versions `theirs` may have
    /// been made from (newest first): the first that merges with no overlap is the one it
    /// was made from — any other would read what the writer never saw as changes it made,
    /// and keep lines twice. When every one overlaps, the one that overlaps least (newest on
    /// a tie).
    /// `allowed` gives, for a base, the test of `theirs`' changes (by that base's lines).
    public static func merge(bases: [[UInt8]], ours: [UInt8], theirs: [UInt8],
                             allowed: ((_ base: [UInt8]) -> (Range<Int>) -> Bool)? = nil) -> (result: Result, base: [UInt8]) {
        var best: (result: Result, base: [UInt8])?
        for base in bases {
            let result = merge(base: base, ours: ours, theirs: theirs, allowed: allowed?(base))
            if result.overlaps == 0 { return (result, base) }
            if best == nil || result.overlaps < best!.result.overlaps { best = (result, base) }
        }
        return best ?? (merge(base: ours, ours: ours, theirs: theirs, allowed: allowed?(ours)), ours)
    }

    private enum Side { case ours, theirs }

    private struct Change {
        var hunk: LineDiff.Hunk
        var side: Side
    }

    private struct Group {
        var changes: [Change]
        var region: Range<Int>
    }

    /// Changes in base order, joined where they overlap: two changes of the same lines, or
    /// two insertions at the same place. A change that only touches another's edge is its own.
    private static func groups(_ changes: [Change]) -> [Group] {
        let sorted = changes.sorted { ($0.hunk.old.lowerBound, $0.hunk.old.upperBound) < ($1.hunk.old.lowerBound, $1.hunk.old.upperBound) }
        var groups: [Group] = []
        for change in sorted {
            let range = change.hunk.old
            if var last = groups.last, overlap(last.region, range, sides: last.changes.map(\.side), change.side) {
                last.changes.append(change)
                last.region = min(last.region.lowerBound, range.lowerBound)..<max(last.region.upperBound, range.upperBound)
                groups[groups.count - 1] = last
            } else {
                groups.append(Group(changes: [change], region: range))
            }
        }
        return groups
    }

    private static func overlap(_ a: Range<Int>, _ b: Range<Int>, sides: [Side], _ side: Side) -> Bool {
        if a.isEmpty && b.isEmpty { return a.lowerBound == b.lowerBound }
        if a.isEmpty { return a.lowerBound > b.lowerBound && a.lowerBound < b.upperBound }
        if b.isEmpty { return b.lowerBound > a.lowerBound && b.lowerBound < a.upperBound }
        return a.overlaps(b)
    }

    /// One side's text for `region` of the base: its changes applied, base lines elsewhere.
    private static func version(of region: Range<Int>, _ changes: [Change], base: Lines, side: Lines) -> [UInt8] {
        var out: [UInt8] = []
        var at = region.lowerBound
        for change in changes.sorted(by: { $0.hunk.old.lowerBound < $1.hunk.old.lowerBound }) {
            base.append(at..<change.hunk.old.lowerBound, to: &out)
            side.append(change.hunk.new, to: &out)
            at = max(at, change.hunk.old.upperBound)
        }
        base.append(at..<region.upperBound, to: &out)
        return out
    }

    /// A file's lines, each with an ID shared by equal lines across the three files.
    struct Lines {
        var bytes: [UInt8]
        var starts: [Int]
        var ids: [Int]

        func append(_ range: Range<Int>, to out: inout [UInt8]) {
            guard !range.isEmpty else { return }
            let end = range.upperBound < starts.count ? starts[range.upperBound] : bytes.count
            out += bytes[starts[range.lowerBound]..<end]
        }
    }

    struct LineTable {
        private var known: [ArraySlice<UInt8>: Int] = [:]

        /// Lines end after LF, CR LF or a lone CR, as PLAN.md's own lines do (so line numbers
        /// agree with the document's); a last line without one is a line too.
        mutating func lines(_ bytes: [UInt8]) -> Lines {
            var starts: [Int] = [], ids: [Int] = []
            var start = 0
            while start < bytes.count {
                var end = bytes[start...].firstIndex { $0 == 0x0A || $0 == 0x0D } ?? bytes.count
                if end < bytes.count {
                    end += bytes[end] == 0x0D && end + 1 < bytes.count && bytes[end + 1] == 0x0A ? 2 : 1
                }
                let line = bytes[start..<end]
                let id = known[line] ?? known.count
                if known[line] == nil { known[line] = id }
                starts.append(start)
                ids.append(id)
                start = end
            }
            return Lines(bytes: bytes, starts: starts, ids: ids)
        }
    }
}
