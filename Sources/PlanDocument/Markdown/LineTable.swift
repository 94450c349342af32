#if canImport(Glibc)
import Glibc
#endif

/// Where each line of a document starts.
///
/// Lines end at LF, CRLF or a lone CR — CommonMark's rule — and keep their terminator, so
/// the lines laid end to end are the document's bytes exactly.
public struct LineTable: Sendable {
    /// `starts[i]` is the offset of line `i`; the last entry is the document's length.
    public let starts: [Int]

    public var count: Int { starts.count - 1 }

    /// Bytes of line `index`, terminator included.
    public func range(of index: Int) -> Range<Int> { starts[index]..<starts[index + 1] }

    init(scanning bytes: UnsafeBufferPointer<UInt8>) {
        var starts: [Int] = []
        starts.reserveCapacity(bytes.count / 32 + 2)
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            self.starts = [0]
            return
        }
        let total = bytes.count
        var start = 0
        while start < total {
            starts.append(start)
            // memchr is vectorised; a byte loop here would dominate a 20 MB parse.
            let rest = total - start
            let newline = memchr(base + start, 0x0A, rest).map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - base }
            let end = newline ?? total
            // A CR not followed by LF also ends a line.
            var scan = start
            while scan < end, let cr = memchr(base + scan, 0x0D, end - scan) {
                let at = UnsafePointer<UInt8>(cr.assumingMemoryBound(to: UInt8.self)) - base
                if at + 1 == newline { break }
                starts.append(at + 1)
                scan = at + 1
            }
            start = newline.map { $0 + 1 } ?? total
        }
        // Lone CRs were appended in order, but a CR at the very end of a segment with no
        // newline may duplicate `total`: keep starts strictly below the length.
        while let last = starts.last, last >= total { starts.removeLast() }
        starts.append(total)
        self.starts = starts
    }
}

/// The end of a line's content: its terminator (LF, CRLF or CR) left out.
@inline(__always)
func contentEnd(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
    var e = end
    if e > start && bytes[e - 1] == 0x0A { e -= 1 }
    if e > start && bytes[e - 1] == 0x0D { e -= 1 }
    return e
}
