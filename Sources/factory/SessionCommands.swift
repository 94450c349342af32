import ArgumentParser
import FactoryEngine
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `factory attach ROLE`: the role's terminal session in this terminal, until detached.
struct AttachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Open ROLE's terminal session (roles with session: tmux); Ctrl-] (or Ctrl-b d) comes back.")
    @Argument(help: "The role.") var role: String

    func run() throws {
        let paths = try currentWorkspace()
        guard Role.all.contains(role) else { throw CLIError("no role \"\(role)\" (roles: \(Role.all.joined(separator: ", ")))") }
        let sessions = TerminalSessions(root: paths.root)
        if let problem = try oneShotEngine(paths).sessionProblem(role) { throw CLIError(problem) }
        guard isatty(0) != 0 else { throw CLIError("attach needs a terminal") }
        Output.note("attaching to \(role)'s session: \(TerminalSessions.detachHint)")
        let argv = sessions.attachArgv(role)
        let cArgs = argv.map { strdup($0) } + [nil]
        execvp(argv[0], cArgs)
        throw CLIError("cannot run tmux: \(String(cString: strerror(errno)))")
    }
}

/// `factory send ROLE TEXT`: a line typed into the role's terminal session.
struct SendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Type a line into ROLE's terminal session (as a paste, then Enter).",
        discussion: "For roles with session: tmux. The text is pasted, so it cannot trigger the agent's own shortcuts. --record also writes it to PLAN.md as a message from you.")
    @Argument(help: "The role.") var role: String
    @Argument(help: "The text to type.") var text: [String]
    @Flag(help: "Also record it in PLAN.md as a message to the role.") var record = false

    func run() throws { try act(.send(role: role, text: text.joined(separator: " "), record: record)) }
}
