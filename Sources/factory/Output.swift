import ArgumentParser
import Foundation
import InertText

/// Everything the CLI shows a person goes through here, so text from PLAN.md or the command
/// line (an ID, a status word, a message) is shown, never obeyed by the terminal.
enum Output {
    /// Readable text on stdout; line breaks in `text` stay line breaks.
    static func text(_ text: String, terminator: String = "\n") {
        print(Inert.text(text, keepingLineBreaks: true), terminator: terminator)
    }

    /// JSON on stdout, with no raw control in its strings.
    static func json<T: Encodable>(_ value: T, pretty: Bool) throws {
        FileHandle.standardOutput.write(try Inert.json(value, pretty: pretty) + Data([0x0A]))
    }

    /// Ends the process once `value`'s output is written, without tearing `value` down: the
    /// document of a 20 MB PLAN.md is half a million allocations, which exit hands back at once.
    static func finish(keeping value: some Any, status: Int32 = 0) -> Never {
        withExtendedLifetime(value) {
            fflush(nil)
            Foundation.exit(status)
        }
    }

    /// One line on stderr that is not an error (what is about to happen).
    static func note(_ text: String) {
        FileHandle.standardError.write(Data((Inert.text(text) + "\n").utf8))
    }

    /// One line on stderr (a warning: the command goes on).
    static func warning(_ text: String) {
        FileHandle.standardError.write(Data(("warning: " + Inert.text(text) + "\n").utf8))
    }

    /// One line on stderr, exit status 64 (a usage error).
    static func fail(_ text: String) -> Never {
        FileHandle.standardError.write(Data(("Error: " + Inert.text(text) + "\n").utf8))
        Foundation.exit(64)
    }

    /// Ends the process the way ArgumentParser would for `error` — help and version on
    /// stdout, errors on stderr — with the message made inert: errors quote user input.
    static func exit<C: ParsableCommand>(_ command: C.Type, withError error: Error) -> Never {
        let message = Inert.text(command.fullMessage(for: error), keepingLineBreaks: true)
        let code = command.exitCode(for: error)
        if !message.isEmpty {
            let stream = code == .success ? FileHandle.standardOutput : FileHandle.standardError
            stream.write(Data((message + "\n").utf8))
        }
        Foundation.exit(code.rawValue)
    }
}
