import Foundation

/// What an agent is doing, as a signal tells it. No value at all (nil) is the honest
/// `unknown`: no signal is fresh enough to say.
public enum AgentActivity: String, Codable, Sendable, Equatable {
    case working
    case waitingInput = "waiting_input"
    case idle
}

/// One signal's reading of an agent: the state it decides (nil: it cannot say), the record
/// that decided it (or the last one seen, when that is too old to decide), and why, in words.
public struct SignalReading: Sendable, Equatable {
    /// Which signal: `hooks` (the agent's own hooks); the screen rules will be another.
    public var source: String
    public var state: AgentActivity?
    public var record: SignalRecord?
    /// `PermissionRequest at 14:02:05, 3s ago: Bash: touch made.txt`, `no signal yet`, …
    public var evidence: String

    public init(source: String, state: AgentActivity?, record: SignalRecord?, evidence: String) {
        self.source = source
        self.state = state
        self.record = record
        self.evidence = evidence
    }
}

/// The hook signal's rules, pure: from an agent's last hook records and the time now, its
/// state and the record that decided it.
///
/// - Waiting for the human: `PermissionRequest` (Claude Code runs it as it shows a
///   permission dialog or sends the stdio request — measured within 0.2 s of the dialog,
///   usually before it is drawn), a `PreToolUse` of `AskUserQuestion`, `Notification`
///   `permission_prompt` or `elicitation_dialog` (sent only ~6 s after the dialog appears,
///   so they confirm rather than lead), Gemini CLI's `ToolPermission` notification.
/// - Idle: `Stop`, `StopFailure`, `Notification` `idle_prompt` (after 60 s at the prompt),
///   `SessionStart` (nothing asked yet; not after a compaction), `SessionEnd`, Codex's `agent-turn-complete`,
///   Gemini CLI's `AfterAgent`.
/// - Working: a prompt submitted, any other tool's start or end, a subagent's end.
///
/// Waiting and idle last until another record says otherwise: an agent at its prompt sends
/// nothing more. Working goes stale after `workingFreshFor` seconds without a record, and
/// the reading is then unknown, so an agent that died or hung mid-turn is not shown working
/// for ever (a single long tool call, such as a test run, ages out the same way). Known gap:
/// a permission dialog the human dismisses in the terminal (Esc, or "No") fires no hook at
/// all, so the reading stays waiting until the next prompt is submitted.
public struct HookSignals: Sendable {
    public var workingFreshFor: Double

    public static let source = "hooks"
    public static let defaultWorkingFreshFor = 120.0

    public init(workingFreshFor: Double = HookSignals.defaultWorkingFreshFor) {
        self.workingFreshFor = workingFreshFor
    }

    /// The state the records say at `now`, from the newest record that says anything.
    public func read(_ records: [SignalRecord], now: Double, timeZone: TimeZone = .current) -> SignalReading {
        guard let (record, state) = records.reversed().lazy.compactMap({ r in Self.meaning(of: r).map { (r, $0) } }).first else {
            let evidence = records.last.map { "nothing decisive yet; last \(Self.describe($0, now: now, timeZone: timeZone))" } ?? "no signal yet"
            return SignalReading(source: Self.source, state: nil, record: records.last, evidence: evidence)
        }
        let said = Self.describe(record, now: now, timeZone: timeZone)
        if state == .working, now - record.time > workingFreshFor {
            return SignalReading(source: Self.source, state: nil, record: record,
                                 evidence: "stale: last \(said); working goes stale after \(Self.duration(workingFreshFor)) without a hook")
        }
        return SignalReading(source: Self.source, state: state, record: record, evidence: said)
    }

    /// What one record says about the agent's state; nil when it says nothing (a
    /// notification of another kind, an event factory does not know).
    public static func meaning(of record: SignalRecord) -> AgentActivity? {
        switch record.event {
        case "PermissionRequest":
            return .waitingInput
        case "PreToolUse", "BeforeTool":
            return record.tool == "AskUserQuestion" ? .waitingInput : .working
        case "Notification":
            switch record.kind {
            case "permission_prompt", "elicitation_dialog", "ToolPermission": return .waitingInput
            case "idle_prompt": return .idle
            default: return nil
            }
        case "UserPromptSubmit", "PostToolUse", "PostToolUseFailure", "PermissionDenied", "SubagentStop",
             "BeforeAgent", "AfterTool":
            return .working
        case "Stop", "StopFailure", "SessionEnd", "AfterAgent":
            return .idle
        case "SessionStart":
            // After a compaction the turn may go on; at startup, resume or clear the agent
            // sits at its prompt.
            return record.kind == "compact" ? nil : .idle
        case "codex-notify":
            return record.kind == "agent-turn-complete" ? .idle : nil
        default:
            return nil
        }
    }

    /// `Notification permission_prompt at 14:02:05, 3s ago: Claude needs your permission`.
    static func describe(_ record: SignalRecord, now: Double, timeZone: TimeZone) -> String {
        let what = [record.event, record.kind].compactMap { $0 }.joined(separator: " ")
        let age = max(0, now - record.time)
        let detail = record.detail.map { ": " + $0 } ?? record.tool.map { ": " + $0 } ?? ""
        return "\(what) at \(clock(record.time, timeZone)), \(duration(age)) ago\(detail)"
    }

    static func clock(_ time: Double, _ timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.hour, .minute, .second], from: Date(timeIntervalSince1970: time))
        return String(format: "%02d:%02d:%02d", c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    /// `0s`, `45s`, `2m`, `3h`, `2d`: whole units, as coarse as it is long.
    static func duration(_ seconds: Double) -> String {
        // A record's time is read from a file any process can write: an age of 1e300 or
        // infinity must not trap converting to Int (10^15 s is ages enough).
        let s = seconds.isNaN ? 0 : Int(min(max(seconds, 0), 1e15))
        return s < 60 ? "\(s)s" : s < 3600 ? "\(s / 60)m" : s < 86400 ? "\(s / 3600)h" : "\(s / 86400)d"
    }
}
