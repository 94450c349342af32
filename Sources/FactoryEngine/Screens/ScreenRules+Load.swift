import BundledFiles
import Foundation

extension ScreenRules {
    /// The CLIs with built-in rules (the package's `screens/` folder), sorted.
    public static var bundledNames: [String] { BundledFiles.screens.keys.sorted() }

    /// `<userDirectory>/<cli>.yaml` if it exists, so a user can fix a rule the day a CLI
    /// changes its screen; else the built-in `screens/<cli>.yaml`.
    public static func load(
        _ cli: String, userDirectory: String? = UserConfig.directory("screens")
    ) throws(ScreenRulesError) -> ScreenRules {
        if let directory = userDirectory, !cli.contains("/") {
            let path = directory + "/" + cli + ".yaml"
            if FileManager.default.fileExists(atPath: path) {
                guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                    throw ScreenRulesError("\(path): cannot read the file as UTF-8 text")
                }
                return try parse(text, file: path)
            }
        }
        guard let text = BundledFiles.screens[cli] else {
            var message = "no screen rules for '\(cli)'; built in: \(bundledNames.joined(separator: ", "))"
            if let directory = userDirectory { message += " (your own go in \(directory)/<cli>.yaml)" }
            throw ScreenRulesError(message)
        }
        return try parse(text, file: "screens/\(cli).yaml")
    }
}
