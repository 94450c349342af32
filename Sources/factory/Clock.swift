#if canImport(Glibc)
import Glibc
#endif

/// Local timestamps as PLAN.md writes them.
enum Clock {
    /// `2026-11-24 10:25`
    static func minuteStamp() -> String { format("%Y-%m-%d %H:%M") }
    /// `2026-11-24`
    static func day() -> String { format("%Y-%m-%d") }

    private static func format(_ pattern: String) -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let n = strftime(&buffer, buffer.count, pattern, &parts)
        return String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
