/// The differences between two sequences of lines, as hunks: each replaces a range of the
/// old lines with a range of the new. Myers' O(ND) algorithm over line numbers, after the
/// common start and end are set aside — the usual edit of PLAN.md touches a few lines of
/// thousands, so the search is over a handful.
struct LineDiff {
    struct Hunk: Equatable {
        /// Lines of the old sequence replaced (empty: an insertion before `old.lowerBound`).
        var old: Range<Int>
        /// The lines of the new sequence that replace them.
        var new: Range<Int>
    }

    /// Past this many differences the middle is one hunk: a whole rewrite costs a bounded
    /// search (the frontiers kept grow as its square), never one the size of the file.
    static let searchLimit = 1000

    static func hunks(_ a: [Int], _ b: [Int]) -> [Hunk] {
        var start = 0
        while start < a.count && start < b.count && a[start] == b[start] { start += 1 }
        var endA = a.count, endB = b.count
        while endA > start && endB > start && a[endA - 1] == b[endB - 1] { endA -= 1; endB -= 1 }
        if start == endA && start == endB { return [] }
        if start == endA || start == endB { return [Hunk(old: start..<endA, new: start..<endB)] }
        guard let matches = myers(Array(a[start..<endA]), Array(b[start..<endB])) else {
            return [Hunk(old: start..<endA, new: start..<endB)]
        }
        // Between consecutive matched lines lies a hunk (when anything lies there).
        var hunks: [Hunk] = []
        var i = 0, j = 0
        for (x, y) in matches + [(endA - start, endB - start)] {
            if x > i || y > j { hunks.append(Hunk(old: (start + i)..<(start + x), new: (start + j)..<(start + y))) }
            i = x + 1
            j = y + 1
        }
        return hunks
    }

    /// The matched pairs (index in a, index in b) of a shortest edit script, in order; nil
    /// past `searchLimit` differences.
    private static func myers(_ a: [Int], _ b: [Int]) -> [(Int, Int)]? {
        let n = a.count, m = b.count, offset = n + m + 1
        var v = [Int](repeating: 0, count: 2 * offset + 1)
        // Each step's frontier, only its diagonals -d…d (what the walk back reads).
        var trace: [[Int]] = []
        for d in 0...min(n + m, searchLimit) {
            trace.append(Array(v[(offset - d - 1)...(offset + d + 1)]))
            for k in stride(from: -d, through: d, by: 2) {
                var x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? v[offset + k + 1] : v[offset + k - 1] + 1
                var y = x - k
                while x < n && y < m && a[x] == b[y] { x += 1; y += 1 }
                v[offset + k] = x
                if x >= n && y >= m { return backtrack(trace, n: n, m: m) }
            }
        }
        return nil
    }

    /// Walks the saved frontiers back from the end, collecting the diagonal moves.
    private static func backtrack(_ trace: [[Int]], n: Int, m: Int) -> [(Int, Int)] {
        var matches: [(Int, Int)] = []
        var x = n, y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            // trace[d][i] is diagonal i - d - 1.
            let v = trace[d], k = x - y, at = { (diagonal: Int) in v[diagonal + d + 1] }
            let prevK = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? k + 1 : k - 1
            let prevX = at(prevK), prevY = prevX - prevK
            while x > prevX && y > prevY {
                matches.append((x - 1, y - 1))
                x -= 1
                y -= 1
            }
            x = prevX
            y = prevY
        }
        return matches.reversed()
    }
}
