import BundledFiles
import Foundation
@testable import FactoryEngine

/// Screen rules files, and the screens the rules read (whatever an agent's terminal shows).
enum ScreenFuzz {
    static let sampleScreen = """
    ╭────────────────────╮
    │ Do you want to proceed?
    │ ❯ 1. Yes
    │   2. No, and tell Claude what to do differently (esc)
    ╰────────────────────╯
    > Try "how does foo work"
    ? for shortcuts
    """

    static func rules(_ bytes: [UInt8]) {
        guard let rules = try? ScreenRules.parse(text(bytes), file: "fuzz.yaml") else { return }
        var reader = ScreenReader(rules: rules)
        for row in [nil, 0, 3, 100] { _ = ScreenReader.match(sampleScreen, rules: rules, cursorRow: row) }
        _ = reader.read(sampleScreen, now: 100)
        _ = reader.read(sampleScreen, now: 100 + rules.staleAfter / 2)
        _ = reader.current(now: 1e9)
    }

    static let bundled: [ScreenRules] = ScreenRules.bundledNames.compactMap { try? ScreenRules.load($0, userDirectory: nil) }

    /// Input: `CURSOR-ROW SCREEN`.
    static func screen(_ bytes: [UInt8]) {
        guard let row = bytes.first else { return }
        let screen = text(Array(bytes.dropFirst()))
        for rules in bundled {
            var reader = ScreenReader(rules: rules)
            let reading = reader.read(screen, cursorRow: Int(row) - 8, now: 50)
            _ = reader.read(screen + "x", cursorRow: Int(row), now: 51)
            if let prompt = reading.prompt { _ = prompt.count }
        }
    }
}
