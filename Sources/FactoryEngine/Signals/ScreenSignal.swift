import Foundation

/// The screen rules' last reading of a session agent, kept in its run folder so that
/// `factory explain` (another process) can show it beside the hooks: written by the engine
/// that reads the session, only when the reading changes.
public struct ScreenSignal: Codable, Sendable, Equatable {
    public var state: String
    public var rule: String?
    public var saw: String
    /// Seconds since 1970: when the screen first read so.
    public var since: Double

    public static let source = "screen"

    init(_ reading: ScreenReading, at time: Double) {
        state = reading.state.rawValue
        rule = reading.rule
        saw = String(reading.saw.prefix(300))
        since = time
    }

    /// The same reading, whatever its time.
    func same(as other: ScreenSignal?) -> Bool {
        other.map { $0.state == state && $0.rule == rule && $0.saw == saw } ?? false
    }

    /// As one of `AgentSignals`' readings.
    var reading: SignalReading {
        let at = HookSignals.clock(since, .current)
        let what = rule.map { "rule \($0) since \(at): \(saw)" } ?? "since \(at): \(saw)"
        return SignalReading(source: Self.source, state: AgentActivity(rawValue: state), record: nil, evidence: what)
    }
}

extension RunDirectory {
    /// The screen rules' last reading of the agent's session (`ScreenSignal`).
    public var screenSignal: String { "\(path)/screen.json" }
}

extension AgentState {
    init(activity: AgentActivity) {
        switch activity {
        case .working: self = .working
        case .waitingInput: self = .waitingInput
        case .idle: self = .idle
        }
    }
}
