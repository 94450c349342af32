import InertText
#if canImport(Glibc)
import Glibc
#endif

/// JSON written straight into bytes, in exactly the form `Inert.json` gives (JSONEncoder's
/// sorted keys, its pretty layout or none, slashes unescaped, then every unsafe character as
/// `\uXXXX`), for output too big for JSONEncoder: `plan --json` of a 20 MB PLAN.md. The
/// caller writes keys in sorted order. Bytes go to `flush` whenever a megabyte has gathered.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    private let pretty: Bool
    private let flush: (([UInt8]) -> Void)?
    /// Elements written so far in each open container, innermost last.
    private var counts: [Int] = []
    /// A key was just written: the value follows it on the same line.
    private var afterKey = false

    init(pretty: Bool, flush: (([UInt8]) -> Void)? = nil) {
        self.pretty = pretty
        self.flush = flush
        bytes.reserveCapacity(1 << 20 + 4096)
    }

    /// Hands what is gathered to `flush` (when there is one).
    mutating func drain() {
        guard let flush, !bytes.isEmpty else { return }
        flush(bytes)
        bytes.removeAll(keepingCapacity: true)
    }

    // MARK: containers

    mutating func beginObject() { open(0x7B) }
    mutating func endObject() { close(0x7D) }
    mutating func beginArray() { open(0x5B) }
    mutating func endArray() { close(0x5D) }

    /// A key from PLAN.md, escaped like any string.
    mutating func key(_ name: String) {
        separate()
        quoted(name)
        colon()
    }

    /// A key of the contract: plain ASCII, written as it is.
    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(0x22)
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(0x22)
        colon()
    }

    private mutating func colon() {
        if pretty { bytes.append(0x20) }
        bytes.append(0x3A)
        if pretty { bytes.append(0x20) }
        afterKey = true
    }

    /// A line break between top-level values: JSON lines.
    mutating func newline() {
        bytes.append(0x0A)
        if bytes.count >= 1 << 20 { drain() }
    }

    // MARK: values

    mutating func string(_ s: String) {
        separate()
        quoted(s)
    }

    mutating func int(_ n: Int) {
        separate()
        if n < 0 { bytes.append(0x2D) }
        // Digits least significant first, then turned around in place.
        let start = bytes.count
        var m = n.magnitude
        repeat { bytes.append(UInt8(m % 10) + 0x30); m /= 10 } while m > 0
        bytes[start...].reverse()
    }

    mutating func bool(_ b: Bool) {
        separate()
        let word: StaticString = b ? "true" : "false"
        word.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func strings(_ list: [String]) {
        beginArray()
        for s in list { string(s) }
        endArray()
    }

    /// `"name" : "value"` and the like, for the common members.
    mutating func member(_ name: StaticString, _ value: String) { key(name); string(value) }
    mutating func member(_ name: StaticString, _ value: Int) { key(name); int(value) }
    mutating func member(_ name: StaticString, _ value: Bool) { key(name); bool(value) }
    mutating func member(_ name: StaticString, _ value: [String]) { key(name); strings(value) }

    /// An array of objects, one for each of `items`, whose members `members` writes.
    mutating func objects<C: Collection>(_ name: StaticString, _ items: C, _ members: (inout JSONWriter, C.Element) -> Void) {
        array(name, items) { w, item in
            w.beginObject()
            members(&w, item)
            w.endObject()
        }
    }

    /// An array of `items`, each written by `element`.
    mutating func array<C: Collection>(_ name: StaticString, _ items: C, _ element: (inout JSONWriter, C.Element) -> Void) {
        key(name)
        beginArray()
        for item in items { element(&self, item) }
        endArray()
    }

    // MARK: layout (JSONEncoder's: `[`, a line per element, `]` under its opener; `[\n\n]` when empty)

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        counts.append(0)
    }

    private mutating func close(_ bracket: UInt8) {
        let count = counts.removeLast()
        if pretty {
            if count == 0 { bytes.append(0x0A) }
            bytes.append(0x0A)
            indent()
        }
        bytes.append(bracket)
        if counts.isEmpty { drain() }
    }

    /// Before a key, or a value outside an object: the comma and line break.
    private mutating func separate() {
        if afterKey { afterKey = false; return }
        guard let last = counts.indices.last else { return }
        if counts[last] > 0 { bytes.append(0x2C) }
        counts[last] += 1
        if pretty {
            bytes.append(0x0A)
            indent()
        }
        if bytes.count >= 1 << 20 { drain() }
    }

    private mutating func indent() {
        for _ in 0..<counts.count { bytes.append(0x20); bytes.append(0x20) }
    }

    // MARK: strings

    /// `s` quoted: `"` and `\` escaped, C0 as JSONEncoder writes it (`\n`, `\t`, `\u001b`…),
    /// and every other character `Inert` finds unsafe (DEL, C1, bidi) as `\uXXXX`.
    private mutating func quoted(_ s: String) {
        bytes.append(0x22)
        if s.utf8.withContiguousStorageIfAvailable({ escaped($0) }) == nil {
            // Not stored as UTF-8 (bridged): made so once.
            var copy = s
            copy.makeContiguousUTF8()
            _ = copy.utf8.withContiguousStorageIfAvailable { escaped($0) }
        }
        bytes.append(0x22)
    }

    private mutating func escaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        var clean = 0  // start of the run not yet copied
        var i = 0
        while i < utf8.count {
            let b = utf8[i]
            var unsafe: UInt32? = nil, width = 1
            if b < 0x20 || b == 0x22 || b == 0x5C || b == 0x7F {
                unsafe = UInt32(b)
            } else if b >= 0x80 {
                width = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
                // Only two- and three-byte sequences hold unsafe characters.
                if width < 4, let scalar = Self.scalar(utf8, at: i, width: width), Inert.isUnsafe(scalar) {
                    unsafe = scalar.value
                }
            }
            if let unsafe {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[clean..<i]))
                escape(unsafe)
                clean = i + width
            }
            i += width
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[clean..<utf8.count]))
    }

    /// One character escaped: the short forms JSONEncoder uses, else `\u` and four lowercase
    /// hex digits, as JSONEncoder and `Inert.escapingControls` write them.
    private mutating func escape(_ value: UInt32) {
        bytes.append(0x5C)
        switch value {
        case 0x22, 0x5C: bytes.append(UInt8(value))
        case 0x0A: bytes.append(0x6E)
        case 0x0D: bytes.append(0x72)
        case 0x09: bytes.append(0x74)
        case 0x08: bytes.append(0x62)
        case 0x0C: bytes.append(0x66)
        default:
            bytes.append(0x75)
            for shift: UInt32 in [12, 8, 4, 0] {
                let digit = UInt8((value >> shift) & 0xF)
                bytes.append(digit < 10 ? 0x30 + digit : 0x57 + digit)
            }
        }
    }

    private static func scalar(_ utf8: UnsafeBufferPointer<UInt8>, at i: Int, width: Int) -> Unicode.Scalar? {
        guard i + width <= utf8.count else { return nil }
        var value = UInt32(utf8[i]) & (width == 2 ? 0x1F : 0x0F)
        for k in 1..<width { value = value << 6 | (UInt32(utf8[i + k]) & 0x3F) }
        return Unicode.Scalar(value)
    }
}

/// Writes all of `bytes` to a file descriptor (standard output by default).
func writeAll(_ bytes: [UInt8], to fd: Int32 = 1) {
    bytes.withUnsafeBytes { raw in
        var done = 0
        while done < raw.count {
            let n = write(fd, raw.baseAddress! + done, raw.count - done)
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return }
            done += n
        }
    }
}
