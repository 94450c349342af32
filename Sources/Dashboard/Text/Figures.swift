import Foundation

/// Money, token counts and clock times as the panes show them: short, and the same
/// everywhere.
enum Figures {
    /// `$0.0123` under a dollar (`$0.012` when `short`), `$4.56` under a hundred, `$123` above.
    static func usd(_ value: Double, short: Bool = false) -> String {
        let v = max(0, value)
        return v < 1 ? String(format: short ? "$%.3f" : "$%.4f", v) : v < 100 ? String(format: "$%.2f", v) : String(format: "$%.0f", v)
    }

    /// `950`, `12.3k`, `4.5M`.
    static func tokens(_ count: Int) -> String {
        count < 1_000 ? "\(max(0, count))"
            : count < 1_000_000 ? String(format: "%.1fk", Double(count) / 1_000) : String(format: "%.1fM", Double(count) / 1_000_000)
    }

    /// `14:02` in the local time zone.
    static func clock(_ seconds: Double) -> String {
        var time = time_t(seconds)
        var parts = tm()
        localtime_r(&time, &parts)
        return String(format: "%02d:%02d", parts.tm_hour, parts.tm_min)
    }
}
