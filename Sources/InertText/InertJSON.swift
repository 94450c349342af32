import Foundation

extension Inert {
    /// `value` as JSON whose strings carry no live control: JSONEncoder escapes C0 but leaves
    /// DEL, C1 (U+0080–U+009F) and the bidi controls raw, and a terminal showing the output
    /// would obey them. Every JSON output of factory goes through here.
    public static func json<T: Encodable>(_ value: T, pretty: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        // Times as the rest of factory's JSON has them: seconds since 1970.
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return escapingControls(inJSON: try encoder.encode(value))
    }

    /// Encoded JSON with every unsafe character that is still raw written as `\uXXXX`. Outside
    /// strings JSON has only ASCII punctuation and whitespace, so any such character is inside
    /// a string, where the escape means the same character.
    public static func escapingControls(inJSON data: Data) -> Data {
        let text = String(decoding: data, as: UTF8.self)
        guard text.unicodeScalars.contains(where: { $0.value >= 0x7F && isUnsafe($0) }) else { return data }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.value >= 0x7F, isUnsafe(scalar) {
                out.append(contentsOf: ("\\u" + hex4(scalar.value, uppercase: false)).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return Data(String(out).utf8)
    }
}
