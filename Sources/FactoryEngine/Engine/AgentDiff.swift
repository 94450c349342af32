import Foundation

/// An agent's changes against the main branch, as the diff view shows them: the files with
/// their added and removed line counts, then every line of the unified diff, classified.
public struct AgentDiff: Sendable, Equatable {
    public struct File: Sendable, Equatable {
        public var path: String
        public var added = 0
        public var removed = 0
        /// Index into `lines` of the file's `diff --git` line.
        public var line: Int
    }

    public enum Kind: Sendable, Equatable {
        /// `diff --git …`: where a file begins.
        case file
        /// `index …`, `--- a/…`, `+++ b/…`, `new file mode …`, `Binary files …`.
        case meta
        /// `@@ -1,3 +1,4 @@`.
        case hunk
        case added, removed, context
    }

    public struct Line: Sendable, Equatable {
        public var kind: Kind
        public var text: String
    }

    public var role: String
    public var files: [File] = []
    public var lines: [Line] = []
    /// Why the diff shows less than all of it (`cut at 2 MB: shown up to there`), or git's
    /// error (`git diff failed: …`).
    public var note: String?

    /// What the view reads at most: 2 MB, 20,000 lines.
    public static let byteLimit = 2 << 20, lineLimit = 20_000

    public init(role: String, files: [File] = [], lines: [Line] = [], note: String? = nil) {
        self.role = role
        self.files = files
        self.lines = lines
        self.note = note
    }

    /// Reads `git diff` output (with `--no-color`); at most `lineLimit` lines are kept.
    public init(role: String, unified text: String, note: String? = nil, lineLimit: Int = AgentDiff.lineLimit) {
        self.init(role: role, note: note)
        var inHeader = false
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if lines.count >= lineLimit {
                self.note = "cut at \(lineLimit) lines: shown up to there"
                break
            }
            let kind = Self.kind(of: raw, inHeader: &inHeader)
            if kind == .file { files.append(File(path: Self.path(of: raw), line: lines.count)) }
            if kind == .added, !files.isEmpty { files[files.count - 1].added += 1 }
            if kind == .removed, !files.isEmpty { files[files.count - 1].removed += 1 }
            lines.append(Line(kind: kind, text: String(raw)))
        }
        while lines.last?.text.isEmpty == true { lines.removeLast() }
    }

    /// A line's kind; between `diff --git` and the first `@@` every line is the file's header.
    private static func kind(of line: Substring, inHeader: inout Bool) -> Kind {
        if line.hasPrefix("diff --git ") {
            inHeader = true
            return .file
        }
        if line.hasPrefix("@@") {
            inHeader = false
            return .hunk
        }
        if inHeader { return .meta }
        switch line.first {
        case "+": return .added
        case "-": return .removed
        case " ": return .context
        default: return .meta
        }
    }

    /// `diff --git a/src/x b/src/x` → `src/x` (the new side).
    private static func path(of line: Substring) -> String {
        let rest = line.dropFirst("diff --git ".count)
        if let b = rest.range(of: " b/", options: .backwards) { return String(rest[b.upperBound...]) }
        return String(rest)
    }
}

extension Engine {
    /// The role's branch against the main branch (`git diff main...agent/ROLE`), read up to
    /// `AgentDiff.byteLimit`. Runs git: call it off the UI queue.
    public func diff(of role: String) -> AgentDiff {
        // The agent's latest commits are in its clone until they are fetched.
        clones.fetchBack(role)
        let result = Git(paths.root).run(["diff", "--no-color", "--no-ext-diff", "--no-textconv", "\(mainBranch)...agent/\(role)"],
                                         limit: AgentDiff.byteLimit)
        if !result.cut, !result.succeeded { return AgentDiff(role: role, note: "git diff failed: \(result.firstErrorLine)") }
        return AgentDiff(role: role, unified: result.stdout, note: result.cut ? "cut at \(AgentDiff.byteLimit >> 20) MB: shown up to there" : nil)
    }
}
