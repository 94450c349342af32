import Foundation

/// One session agent's screen as the engine follows it: the last screen, its reader (the
/// CLI's rules, with their holds), and the prompt it shows with the keys that answer it.
struct SessionScreen {
    /// The tool name of a request read from a screen (answered with keys, not a protocol).
    static let tool = "Screen"

    var reader: ScreenReader?
    var screen: String?
    /// The prompt on screen now, with its keys and since when it shows.
    var prompt: (id: String, keys: AnswerKeys, since: Double)?
    /// Prompts answered from factory: the same prompt still on screen (keys not yet taken)
    /// is not asked again.
    var answered: Set<String> = []
    /// The last reading kept in the run folder, for `factory explain`.
    var kept: ScreenSignal?
    /// Counts the screen's changes: a snapshot that carries it makes a detail view showing
    /// the screen read it again, even when the agent's step reads the same.
    var version = 0
    /// When the agent last had its answer from factory: the hooks still say it waits until
    /// its next tool event, which must not send the human to its terminal meanwhile.
    var answeredAt = -Double.infinity
    /// Since when the agent has waited with no prompt these rules can answer.
    var waitingUnansweredSince: Double?
    /// The rules' file and its stamp, so a fixed rule file counts without a restart.
    var rulesStamp: String?

    init(rules: ScreenRules? = nil, stamp: String? = nil) {
        reader = rules.map(ScreenReader.init(rules:))
        rulesStamp = stamp
    }

    struct Update {
        /// Nil without rules: the lifecycle state stands.
        var state: AgentState?
        /// The reading, when it changed (to keep for `factory explain`).
        var changed: ScreenSignal?
        var step: String?
        var request: PermissionRequest?
    }

    mutating func read(_ screen: String, now: Double) -> Update {
        if screen != self.screen { version += 1 }
        self.screen = screen
        let last = Engine.lastLine(of: screen)
        guard var reader else { return Update(state: nil, step: last, request: nil) }
        let reading = reader.read(screen, now: now)
        self.reader = reader
        var update = Update(state: Self.state(reading.state), step: reading.prompt.map(Self.oneLine) ?? last)
        let signal = ScreenSignal(reading, at: now)
        if !signal.same(as: kept) {
            kept = signal
            update.changed = signal
        }
        if reading.state == .waitingInput, let keys = reading.keys, let since = reading.since {
            // Named by what it asks, not by when this process first saw it: a factory that
            // restarts (or takes over) sees the same prompt as the same request.
            let id = Self.promptID(rule: reading.rule, asked: reading.prompt ?? reading.saw)
            prompt = (id, keys, since)
            if !answered.contains(id) {
                let asked = (reading.prompt ?? reading.saw).trimmingCharacters(in: .whitespacesAndNewlines)
                // The prompt's lines as captured are its input: what `RequestText` shows whole.
                update.request = PermissionRequest(requestID: id, tool: Self.tool, inputJSON: CompactJSON.text(["prompt": asked]) ?? "{}",
                                                   summary: Self.oneLine(asked),
                                                   toolUseID: "", description: reading.rule ?? "", receivedAt: Date(timeIntervalSince1970: since))
            }
        } else {
            prompt = nil
            // Gone from the screen: the same question asked again later is a new one.
            answered.removeAll()
        }
        return update
    }

    /// `screen-<hash>` of the rule and the text asked (FNV-1a: stable across processes).
    static func promptID(rule: String?, asked: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in ((rule ?? "") + "\u{0}" + asked).utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return "screen-" + String(hash, radix: 16)
    }

    static func state(_ screen: ScreenState) -> AgentState {
        switch screen {
        case .working: return .working
        case .waitingInput: return .waitingInput
        case .idle: return .idle
        case .unknown: return .unknown
        }
    }

    static func oneLine(_ text: String) -> String {
        String(text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .joined(separator: " ⏎ ").prefix(ToolSummary.limit))
    }
}
