import ArgumentParser
import FactoryEngine
import Foundation
import InertText
import PlanDocument

struct MessagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "messages",
        abstract: "Print PLAN.md's message log; with --follow, keep printing messages as they arrive.",
        discussion: """
        Each message is a line "From → To (time)" and its body indented, with a blank line between messages; \
        --json prints one JSON object a line (body, from, line, time, to). --follow follows PLAN.md as tail -F \
        does, but message by message: through a rename, a truncation, a deletion and a new file, each message \
        is printed once. Text from PLAN.md is shown inert: control characters appear as ^[ or <U+…>.
        """
    )

    @OptionGroup var location: PlanLocation
    @Flag(help: "Keep printing new messages as they arrive.") var follow = false
    @Option(help: ArgumentHelp("Only messages from this party (any case).", valueName: "role")) var from: String?
    @Option(help: ArgumentHelp("Only messages to this party (any case).", valueName: "role")) var to: String?
    @Flag(help: "One JSON object a line: body, from, line, time, to.") var json = false

    func run() throws {
        // A name some message already uses is a party too (`factory say` takes any sender).
        let present = Set(((try? location.read().1.view.messages) ?? []).flatMap { [$0.from.lowercased()] + $0.to.map { $0.lowercased() } })
        if let from, !present.contains(from.lowercased()) { try checkParty(from, "sender", option: "--from") }
        if let to, !present.contains(to.lowercased()) { try checkParty(to, "recipient", option: "--to") }
        var printer = MessagePrinter(json: json, from: from?.lowercased(), to: to?.lowercased())
        guard follow else {
            printer.show(try location.read().1.view.messages)
            return
        }
        var follower = MessageFollower(path: try location.resolve().path, fromStart: true)
        let slash = follower.path.lastIndex(of: "/")
        let directory = slash.map { $0 == follower.path.startIndex ? "/" : String(follower.path[..<$0]) } ?? "."
        let name = String(slash.map { follower.path[follower.path.index(after: $0)...] } ?? Substring(follower.path))
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CLIError("\(Inert.text(directory)) is not a directory; nothing to follow")
        }
        // As tail -F does: say so, and wait for the file to appear.
        if !FileManager.default.fileExists(atPath: follower.path) {
            FileHandle.standardError.write(Data("factory: \(Inert.text(follower.path)) does not exist yet; waiting for it\n".utf8))
        }
        let box = Box { printer.show(follower.fresh()) }
        // Watch first, then print what is there: a message written in between is not lost.
        keepAlive = FileWatcher(directories: [directory], only: [directory: [name]], queue: .main) { _ in box.run() }
        box.run()
        dispatchMain()
    }
}

/// Messages as `factory messages` shows them, filtered by sender and recipient.
struct MessagePrinter {
    var json: Bool
    var from: String?, to: String?
    private var printed = 0

    init(json: Bool, from: String?, to: String?) {
        (self.json, self.from, self.to) = (json, from, to)
    }

    func wanted(_ m: PlanMessage) -> Bool {
        (from == nil || m.from.lowercased() == from) && (to == nil || m.to.contains { $0.lowercased() == to })
    }

    /// Prints the wanted ones among `messages` and flushes, so a pipe sees them at once.
    mutating func show(_ messages: [PlanMessage]) {
        let shown = messages.filter(wanted)
        guard !shown.isEmpty else { return }
        if json {
            var w = JSONWriter(pretty: false) { writeAll($0) }
            for m in shown {
                PlanJSON.message(m, into: &w)
                w.newline()
            }
            w.drain()
        } else {
            for m in shown {
                Output.text((printed == 0 ? "" : "\n") + Self.readable(m), terminator: "")
                printed += 1
            }
            fflush(nil)  // every stream: stdout, which print buffers when it is a pipe
        }
    }

    /// `From → To (time)`, then the body indented by four spaces.
    static func readable(_ m: PlanMessage) -> String {
        var s = "\(m.from) → \(m.to.joined(separator: ", "))" + (m.time.isEmpty ? "" : " (\(m.time))") + "\n"
        for line in m.body.split(separator: "\n", omittingEmptySubsequences: false) {
            s += line.isEmpty ? "\n" : "    \(line)\n"
        }
        return s
    }
}

/// A one-line error for a name that is not a party every PLAN.md knows.
func checkParty(_ name: String, _ what: String, option: String, note: String = "") throws {
    guard !MessageParty.isKnown(name) else { return }
    throw CLIError("unknown \(what) \"\(name)\": \(option) takes \(MessageParty.known.joined(separator: ", "))\(note)")
}
