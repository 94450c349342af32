import Foundation

enum CompactJSON {
    /// JSON without spaces and with sorted keys, so the same value is always the same text
    /// (tests, logs and summaries can compare it); nil for a value JSON cannot hold.
    static func text(_ value: Any) -> String? {
        guard JSONSerialization.isValidJSONObject(value),
              let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
