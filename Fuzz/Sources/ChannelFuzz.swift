import Foundation
@testable import FactoryEngine
import InertText

/// The command socket's requests, the keeper's lines, and the rules that make any text inert
/// before it reaches a terminal.
enum ChannelFuzz {
    /// Bytes as a client sends them, in any chunks: lines, each decoded as a command (which,
    /// if it decodes, encodes to the same command again) and as a keeper request.
    static func command(_ bytes: [UInt8]) {
        var buffer = LineBuffer(limit: 64 * 1024)
        var lines: [ArraySlice<UInt8>] = []
        for chunk in chunks(of: bytes) {
            guard let got = chunk.withUnsafeBytes({ buffer.take($0) }) else { break }
            lines += got
        }
        for line in lines {
            check(!line.contains(0x0A), "a line holds a newline")
            if let command = JSONLine.decode(EngineCommand.self, line) {
                _ = command.name
                let again = JSONLine.encode(command)
                check(again.last == 0x0A && again.filter { $0 == 0x0A }.count == 1, "encoded command is not one line")
                check(JSONLine.decode(EngineCommand.self, again.dropLast()[...]) == command, "command does not survive its own encoding: \(command)")
            }
            _ = JSONLine.decode(KeeperRequest.self, line)
            _ = JSONLine.decode(KeeperMessage.self, line)
        }
    }

    static func inert(_ bytes: [UInt8]) {
        let raw = text(bytes)
        for keep in [false, true] {
            let shown = Inert.text(raw, keepingLineBreaks: keep)
            check(!shown.unicodeScalars.contains { Inert.isUnsafe($0) && !(keep && $0 == "\n") }, "unsafe character left in \(String(reflecting: shown))")
        }
        let json = Inert.escapingControls(inJSON: Data(bytes))
        check(!String(decoding: json, as: UTF8.self).unicodeScalars.contains { $0.value >= 0x7F && Inert.isUnsafe($0) }, "unsafe character left in JSON")
        if let encoded = try? Inert.json(["text": raw]) {
            let back = try? JSONDecoder().decode([String: String].self, from: encoded)
            check(back?["text"] == raw, "inert JSON does not read back as the same text")
        }
    }
}
