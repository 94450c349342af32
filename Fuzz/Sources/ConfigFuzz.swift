import Foundation
@testable import Dashboard
@testable import FactoryEngine

/// The user's and the project's configuration files: themes, keys.conf, role files. A file
/// that cannot be used is an error message, never a crash.
enum ConfigFuzz {
    static func theme(_ bytes: [UInt8]) {
        guard let theme = try? Theme(parsing: text(bytes), file: "fuzz.theme") else { return }
        for role in ThemeRole.allCases {
            for depth in [ColorDepth.none, .eight, .sixteen, .full] {
                let style = theme.style(role, depth: depth)
                for color in [style.fg, style.bg].compactMap({ $0 }) {
                    if let index = paletteIndex(color, depth: depth) { check((-1...255).contains(index), "palette index \(index)") }
                }
            }
        }
    }

    static func keys(_ bytes: [UInt8]) {
        guard let keymap = try? Keymap(overrides: text(bytes)) else { return }
        _ = keymap.helpLines
        _ = keymap.warning
    }

    /// A role file; a rule factory would add to its `allow:` list ("always allow") comes from
    /// the input's first line.
    static func role(_ bytes: [UInt8]) {
        let source = text(bytes)
        guard let definition = try? RoleDefinition.parse(role: "builder", text: source) else { return }
        _ = definition.argv(prompt: "do {role} it", worktree: "/w", plan: "/p", factory: "/f", run: "/r")
        let firstLine = source.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        for rule in ["Bash(swift test:*)", firstLine] {
            guard let edited = RoleFileEdit.addingAllowRule(rule, role: "builder", to: source) else { continue }
            let after = try? RoleDefinition.parse(role: "builder", text: edited)
            check(after?.policy.allow.contains(rule) == true, "rule \(String(reflecting: rule)) not in the edited file's allow list")
            check(after?.instructions == definition.instructions, "adding a rule changed the instructions")
        }
    }
}
