import ArgumentParser
import FactoryEngine

/// `factory hook EVENT`: what an agent CLI runs at each of its events (registered by
/// factory in the settings it writes for the run). `Factory.main` runs it before any
/// parsing, so nothing — not a mistyped option — can make it print or fail; only `--help`
/// comes here.
struct HookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook",
        abstract: "Record an agent's hook event in its run folder (run by the agent CLI; prints nothing, always exits 0).",
        discussion: """
        Claude Code and Gemini CLI write the event's JSON to stdin; Codex's notify program gets it as \
        the last argument (factory hook codex-notify --run DIR '{"type":"agent-turn-complete",…}'). \
        One line goes to DIR/signals.jsonl: the time, the event, and the few fields that tell the \
        agent's state. factory explain ROLE shows what they decide.
        """,
        shouldDisplay: false
    )
    @Argument(help: "The event: PreToolUse, Notification, Stop, … or codex-notify.") var event: String
    @Option(name: .customLong("run"), help: "The agent's run folder (.agent-comms/run/ROLE); else $FACTORY_RUN_DIR.") var runFolder: String?
    @Argument(help: "The event's JSON, when the agent passes it as an argument (Codex).") var payload: String?

    func run() throws {
        HookInvocation.run([event] + (runFolder.map { ["--run", $0] } ?? []) + (payload.map { [$0] } ?? []))
    }
}
