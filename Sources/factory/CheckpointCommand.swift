import ArgumentParser
import PlanDocument

struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Tick checkpoint items.",
        subcommands: [CheckpointTick.self]
    )
}

struct CheckpointTick: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tick",
        abstract: "Tick the checkpoint item whose text matches (exactly, else the one item containing TEXT).",
        discussion: "Changes one character: [ ] becomes [x]. With --undo, [x] becomes [ ]."
    )

    @OptionGroup var location: PlanLocation
    @Flag(help: "Untick instead.") var undo = false
    @Argument(help: "The item's text, or a part of it that matches one item.") var text: String

    func run() throws {
        try location.update([.setCheckpointItem(text: text, done: !undo)])
    }
}
