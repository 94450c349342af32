import ArgumentParser
import FactoryEngine
import PlanDocument

struct SayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "say",
        abstract: "Append a timestamped message to PLAN.md's message log.",
        discussion: "Example: factory say --from builder --to architect,tester \"Auth is ready for review\". TEXT of - reads the body from standard input."
    )

    @OptionGroup var location: PlanLocation
    @Option(help: "Who speaks (a role, Orchestrator, Human…).") var from: String
    @Option(help: ArgumentHelp("Recipients, comma-separated.", valueName: "role[,role…]")) var to: String
    @Option(help: "The time to show (default: now, local time).") var time: String?
    @Argument(help: "The message.") var text: [String]

    func validate() throws {
        if text.isEmpty { throw ValidationError("give the message text") }
    }

    func run() throws {
        var body = text.joined(separator: " ")
        if body == "-" { body = readStandardInput() }
        let recipients = to.split(separator: ",").map { String($0).trimmingCharacters() }.filter { !$0.isEmpty }
        // A message to a name no PLAN.md knows would sit in the log with nobody to read it.
        for name in recipients { try checkParty(name, "recipient", option: "--to", note: " (comma-separated)") }
        try location.update([.appendMessage(from: from, to: recipients, body: body, time: time ?? Clock.minute())])
    }
}

func readStandardInput() -> String {
    var lines: [String] = []
    while let line = readLine(strippingNewline: true) { lines.append(line) }
    return lines.joined(separator: "\n")
}

extension String {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s = s.dropFirst() }
        while s.last?.isWhitespace == true { s = s.dropLast() }
        return String(s)
    }
}
