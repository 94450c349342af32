/// How factory reads an agent's output and answers it.
///
/// - `claude`: Claude Code's stream-json lines, with permission requests factory answers on stdin.
/// - `codex`, `gemini`: `codex exec --json`'s and `gemini --output-format stream-json`'s
///   event lines; they ask nothing, so nothing is answered.
/// - `text`: plain output, kept as a log; nothing to answer.
public enum AgentProtocol: String, Codable, Sendable, CaseIterable {
    case claude, codex, gemini, text

    public static var names: [String] { allCases.map(\.rawValue) }
}
