import Foundation
@testable import FactoryEngine

/// What agent hooks hand `factory hook`, and the signals file it writes and others read.
enum HookFuzz {
    /// Input: `EVENT NUL PAYLOAD`; a payload starting with `!` is read as cut short.
    static func payload(_ bytes: [UInt8]) {
        let (header, body) = splitHeader(bytes)
        let complete = body.first != UInt8(ascii: "!")
        guard let record = HookPayload.record(event: text(header), payload: body, complete: complete, at: 1_800_000_000) else { return }
        let line = record.line
        check(!line.isEmpty && line.count <= SignalRecord.lineLimit, "record line of \(line.count) bytes")
        check(line.last == 0x0A && line.filter { $0 == 0x0A }.count == 1, "record is not one line")
        let back = SignalRecord(line: line.dropLast())
        check(back?.event == record.event && back?.time == record.time, "record does not read back: \(text(line))")
        _ = HookSignals().read([record], now: 1_800_000_005, timeZone: TimeZone(identifier: "UTC")!)
    }

    /// A signals.jsonl as any process able to write the run folder could leave it.
    static func signalLines(_ bytes: [UInt8]) {
        let records = bytes.split(separator: 0x0A).compactMap { SignalRecord(line: $0) }
        let reading = HookSignals().read(records, now: 1_800_000_000, timeZone: TimeZone(identifier: "UTC")!)
        _ = reading.evidence
        for record in records {
            _ = record.line
            _ = HookSignals.meaning(of: record)
        }
    }
}
