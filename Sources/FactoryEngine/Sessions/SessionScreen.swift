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

    init(rules: ScreenRules?) {
        reader = rules.map(ScreenReader.init(rules:))
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
            let id = "screen-\(Int(since * 1000))"
            prompt = (id, keys, since)
            if !answered.contains(id) {
                let asked = (reading.prompt ?? reading.saw).trimmingCharacters(in: .whitespacesAndNewlines)
                update.request = PermissionRequest(requestID: id, tool: Self.tool, inputJSON: "{}", summary: Self.oneLine(asked),
                                                   toolUseID: "", description: reading.rule ?? "", receivedAt: Date(timeIntervalSince1970: since))
            }
        } else {
            prompt = nil
        }
        return update
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
