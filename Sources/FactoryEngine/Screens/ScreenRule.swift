import Foundation

/// What an agent CLI's screen says it is doing. `unknown` is an answer, not a failure: no
/// rule matched, or the screen is too old to say anything about now.
public enum ScreenState: String, Sendable, CaseIterable {
    case working
    case waitingInput = "waiting_input"
    case idle
    case unknown
}

/// Where on the screen a rule looks.
public enum ScreenRegion: Hashable, Sendable, CustomStringConvertible {
    /// Every line.
    case screen
    /// The first N lines.
    case top(Int)
    /// The last N lines, counted up from the last line that is not blank: tmux pads a
    /// screen with blank rows below a CLI that has not filled it.
    case bottom(Int)
    /// N lines either side of the cursor's row, 0 for its row alone (a rule using it needs
    /// the cursor's row).
    case cursor(Int)

    public var description: String {
        switch self {
        case .screen: return "screen"
        case .top(let n): return "top \(n)"
        case .bottom(let n): return "bottom \(n)"
        case .cursor(let n): return "cursor \(n)"
        }
    }
}

/// Text or a regular expression looked for in a region; compiled once, when the rules load.
/// `^` and `$` match at each line's start and end.
public struct ScreenPattern: @unchecked Sendable {
    /// As the file wrote it, for messages.
    public let written: String
    // NSRegularExpression is immutable and safe to share between threads.
    let regex: NSRegularExpression

    /// The range of the first match in `text`, if any.
    func firstMatch(in text: RegionText) -> Range<String.Index>? {
        let found = regex.rangeOfFirstMatch(in: text.string, options: [], range: NSRange(location: 0, length: text.length))
        return found.location == NSNotFound ? nil : Range(found, in: text.string)
    }
}

/// The keys (tmux `send-keys` names, sent in order) that answer a question on the screen.
public struct AnswerKeys: Equatable, Sendable {
    public let allow: [String]
    public let deny: [String]
    /// How long after the question shows its keys are taken: a CLI may drop keys pressed the
    /// moment a prompt appears, so a stray keystroke cannot answer it (`ScreenReading.since`).
    public let after: Double

    public init(allow: [String], deny: [String], after: Double = 0) {
        self.allow = allow
        self.deny = deny
        self.after = after
    }
}

/// How to lift what is being asked (the command, the file, the question) out of the screen:
/// the first capture group of `pattern`'s first match in `region`.
public struct PromptText: Sendable {
    public let pattern: ScreenPattern
    public let region: ScreenRegion
}

/// One rule: when its patterns are on the screen, the CLI is in `state`.
public struct ScreenRule: Sendable {
    public let name: String
    public let state: ScreenState
    /// Higher wins when several rules match the same screen.
    public let priority: Int
    public let region: ScreenRegion
    /// Every one of these must match…
    public let all: [ScreenPattern]
    /// …and at least one of these, when there are any.
    public let any: [ScreenPattern]
    /// Once shown, the state stands this long after the rule last matched, unless a rule of
    /// higher priority matches: a frame redrawn blank or half-drawn does not bounce it.
    /// Bounded by the last match, so it cannot stick.
    public let hold: Double
    /// When set, the rule counts only while the screen changed this recently: for a CLI
    /// whose only sign of work is output arriving, so a frozen screen reads unknown.
    public let changedWithin: Double?
    public let keys: AnswerKeys?
    public let prompt: PromptText?
}

/// How to read one agent CLI's screen: `screens/<cli>.yaml`.
public struct ScreenRules: Sendable {
    public let cli: String
    /// What the rules were checked against (a CLI version and its fixtures), or, when
    /// `tested` is false, why they could not be.
    public let tested: Bool
    public let provenance: String
    /// A screen captured longer ago than this says nothing about now (`unknown`).
    public let staleAfter: Double
    /// Highest priority first; file order among equals.
    public let rules: [ScreenRule]

    public static let defaultStaleAfter = 5.0
}
