/// PLAN.md as a lossless document: the bytes as they are, and what they say.
///
/// Parsing never fails and never changes a byte: `bytes` is exactly what was read, whatever
/// it holds (invalid UTF-8, NULs, CRLF, no final newline). What cannot be understood
/// becomes a diagnostic.
public struct PlanDocument: Sendable {
    public let bytes: [UInt8]
    public let lines: LineTable
    public let blocks: [Block]
    public let view: PlanView
    let anchors: Anchors
    /// First line of a code fence never closed (it runs to the end of the file).
    let unclosedFence: Int?

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        var lines = LineTable(starts: [0])
        var blocks: [Block] = []
        var view = PlanView()
        var anchors = Anchors()
        var unclosedFence: Int?
        bytes.withUnsafeBufferPointer { b in
            lines = LineTable(scanning: b)
            let scan = BlockScanner.scan(b, lines)
            blocks = scan.blocks
            unclosedFence = scan.unclosedFence
            var parser = PlanParser(src: Source(b: b, lines: lines), blocks: blocks)
            parser.run()
            view = parser.view
            anchors = parser.anchors
            view.diagnostics.append(contentsOf: Self.byteDiagnostics(b, lines, unclosedFence: scan.unclosedFence))
            if !view.diagnostics.isEmpty { view.diagnostics.sort { $0.line < $1.line } }
        }
        self.lines = lines
        self.blocks = blocks
        self.view = view
        self.anchors = anchors
        self.unclosedFence = unclosedFence
    }

    public init(_ text: String) { self.init(bytes: Array(text.utf8)) }

    /// Problems with the bytes themselves; each reported once, at its first line.
    private static func byteDiagnostics(_ b: UnsafeBufferPointer<UInt8>, _ lines: LineTable, unclosedFence: Int?) -> [Diagnostic] {
        var found: [Diagnostic] = []
        if let fence = unclosedFence {
            found.append(Diagnostic(line: fence + 1, severity: .warning, message: "code fence is never closed; the rest of the file is read as code"))
        }
        if let at = UTF8Check.firstInvalid(b) {
            found.append(Diagnostic(line: lines.line(containing: at) + 1, severity: .warning, message: "invalid UTF-8 (shown as U+FFFD)"))
        }
        if let base = b.baseAddress, let nul = memchr(base, 0, b.count) {
            let at = UnsafePointer<UInt8>(nul.assumingMemoryBound(to: UInt8.self)) - base
            found.append(Diagnostic(line: lines.line(containing: at) + 1, severity: .warning, message: "NUL byte in the file"))
        }
        return found
    }
}

#if canImport(Glibc)
import Glibc
#endif

extension LineTable {
    init(starts: [Int]) { self.starts = starts }

    /// The 0-based line holding byte `offset`.
    public func line(containing offset: Int) -> Int {
        var lo = 0, hi = count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }
}

enum UTF8Check {
    /// Offset of the first byte that is not valid UTF-8, or nil. ASCII runs are skipped
    /// eight bytes at a time.
    static func firstInvalid(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = b.baseAddress else { return nil }
        let n = b.count
        var i = 0
        while i < n {
            if i + 8 <= n {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 { i += 8; continue }
            }
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            let need: Int
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; hi = 0x9F
            case 0xF0: need = 3; lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; hi = 0x8F
            default: return i
            }
            guard i + need < n else { return i }
            if b[i + 1] < lo || b[i + 1] > hi { return i }
            for k in stride(from: 2, through: need, by: 1) where b[i + k] & 0xC0 != 0x80 { return i }
            i += need + 1
        }
        return nil
    }
}
