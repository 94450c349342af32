/// Codex's `notify` program for a run, as a TOML value for `codex -c notify=…` (the
/// `{notify}` placeholder): Codex runs it with its event JSON as one more argument at each
/// turn's end (`agent-turn-complete`, the only event it sends), and `factory hook` records it.
public enum CodexNotify {
    public static func value(factory: String, run: String) -> String {
        "[" + [factory, "hook", "codex-notify", "--run", run].map(tomlString).joined(separator: ", ") + "]"
    }

    /// A TOML basic string: quotes and backslashes escaped, control characters as `\uXXXX`.
    static func tomlString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
