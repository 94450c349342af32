import Foundation

/// An agent's state from the best signal available, with every signal's reading for
/// `factory explain`: the agent's own hooks first (they are its word), then the screen
/// rules' reading of its terminal session (a guess from what it shows), when it has one.
public enum AgentSignals {
    /// Every signal's reading of the agent in `run`, in the order they are trusted.
    public static func readings(of run: RunDirectory, now: Date = Date(), hooks: HookSignals = HookSignals()) -> [SignalReading] {
        var readings = [hooks.read(SignalFile(run.signals).lastRecords(), now: now.timeIntervalSince1970)]
        if let data = FileManager.default.contents(atPath: run.screenSignal),
           let screen = try? JSONDecoder().decode(ScreenSignal.self, from: data) {
            readings.append(screen.reading)
        }
        return readings
    }

    /// The reading that decides the state: the first that says one. Nil: unknown.
    public static func deciding(_ readings: [SignalReading]) -> SignalReading? {
        readings.first { $0.state != nil }
    }
}

extension RunDirectory {
    /// The agent's hook records (`factory hook` appends, `AgentSignals` reads).
    public var signals: String { "\(path)/signals.jsonl" }
    /// The Claude Code settings file factory writes for the run (`--settings {settings}`).
    public var claudeSettings: String { "\(path)/claude-settings.json" }
}
