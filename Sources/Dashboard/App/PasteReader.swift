/// What the keyboard delivered: a key, or text pasted in one piece.
public enum Input: Equatable, Sendable {
    case key(Key)
    case paste(String)
}

/// Finds bracketed pastes in the keys curses delivers. With bracketed paste on, the terminal
/// wraps pasted text in `ESC [ 2 0 0 ~` … `ESC [ 2 0 1 ~`; curses knows neither marker, so
/// `wget_wch` hands them over one character at a time, and a long paste may span reads.
public struct PasteReader: Sendable {
    static let start = Array("\u{1B}[200~")
    static let end = Array("\u{1B}[201~")

    private var pasting = false
    private var pasted = String.UnicodeScalarView()
    /// The keys that so far match the next marker.
    private var held: [Key] = []

    public init() {}

    /// A paste has started and not ended yet.
    public var isPasting: Bool { pasting }

    /// The inputs in one read's keys.
    public mutating func read(_ keys: [Key]) -> [Input] {
        var out: [Input] = []
        for key in keys { feed(key, into: &out) }
        // Outside a paste, a start marker cut short at the end of a read was typed (Esc, or
        // Alt-[): curses already waited ESCDELAY for the rest of the sequence.
        if !pasting {
            out += held.map(Input.key)
            held = []
        }
        return out
    }

    /// Ends a paste whose end marker never came (the terminal went away mid-paste): what
    /// arrived is still text, never keys.
    public mutating func finish() -> [Input] {
        guard pasting else { return [] }
        for key in held { keep(key) }
        held = []
        pasting = false
        defer { pasted = String.UnicodeScalarView() }
        return [.paste(String(pasted))]
    }

    private mutating func feed(_ key: Key, into out: inout [Input]) {
        let marker = pasting ? Self.end : Self.start
        if case .char(let c) = key, c == marker[held.count] {
            held.append(key)
            guard held.count == marker.count else { return }
            held = []
            if pasting {
                out.append(.paste(String(pasted)))
                pasted = String.UnicodeScalarView()
            }
            pasting.toggle()
            return
        }
        guard held.isEmpty else {
            // Not a marker after all. Only ESC begins one, and it appears nowhere else in a
            // marker, so the held keys are plain input and only this key may begin anew.
            for k in held { pass(k, into: &out) }
            held = []
            return feed(key, into: &out)
        }
        pass(key, into: &out)
    }

    private mutating func pass(_ key: Key, into out: inout [Input]) {
        if pasting { keep(key) } else { out.append(.key(key)) }
    }

    /// Inside a paste only characters count: a key code there is curses reading a pasted
    /// escape sequence as a function key, which is not text.
    private mutating func keep(_ key: Key) {
        if case .char(let c) = key { pasted.append(contentsOf: c.unicodeScalars) }
    }
}

/// Tells keys a person types from input that arrives faster than anyone types.
///
/// A person's keys reach the dashboard one per read, tens of milliseconds apart (key repeat
/// is ~30 ms, fast typing ~60 ms), while curses drains everything waiting in one read. So a
/// read that brings two or more keys is a burst — a paste the terminal did not bracket, or a
/// program writing to the terminal — and so is a read that comes within 10 ms after one (the
/// rest of a burst the terminal split). Only a read of several keys starts that window, so a
/// run of single keys never becomes a burst however quickly a script sends them. Keys that
/// change the pipeline or the agents are not taken from a burst.
public struct BurstRule: Sendable {
    public static let continuation = 0.010
    private var lastBurst = -Double.infinity

    public init() {}

    /// Whether a read of `keys` keys at `time` (seconds, monotonic) is part of a burst.
    public mutating func isBurst(keys: Int, at time: Double) -> Bool {
        if keys > 1 {
            lastBurst = time
            return true
        }
        return time - lastBurst < Self.continuation
    }
}
