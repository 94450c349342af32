import BundledFiles
import FactoryEngine
import Foundation

/// Finds a theme by name or path. A name is looked up in the user's theme directory first,
/// so a user can replace a built-in theme by copying it there and editing it, then among the
/// themes built into the binary (the package's `themes/` folder).
public enum ThemeLoader {
    /// The theme the dashboard uses unless told otherwise.
    public static let defaultName = "default"

    /// The built-in themes, sorted.
    public static var bundledNames: [String] { BundledFiles.themes.keys.sorted() }

    /// `$XDG_CONFIG_HOME/factory/themes`, else `$HOME/.config/factory/themes` (`UserConfig`).
    public static func defaultUserDirectory(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String? {
        UserConfig.directory("themes", environment: environment)
    }

    /// Loads `nameOrPath`: a path (it has a `/` or ends in `.theme`) is read from disk; a
    /// name is `<userDirectory>/<name>.theme` if that exists, else the built-in theme of that
    /// name. `userDirectory: nil` skips the user's themes.
    public static func load(
        _ nameOrPath: String, userDirectory: String? = defaultUserDirectory()
    ) throws(ThemeError) -> Theme {
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".theme") {
            return try loadFile(NSString(string: nameOrPath).expandingTildeInPath)
        }
        guard !nameOrPath.isEmpty else { throw ThemeError("no theme name given") }
        if let directory = userDirectory {
            let path = directory + "/" + nameOrPath + ".theme"
            if FileManager.default.fileExists(atPath: path) { return try loadFile(path) }
        }
        if let text = BundledFiles.themes[nameOrPath] {
            return try Theme(parsing: text, file: "themes/\(nameOrPath).theme")
        }
        throw unknown(nameOrPath, userDirectory: userDirectory)
    }

    /// Every name `load` accepts: the built-in themes and the user's, sorted.
    public static func availableNames(userDirectory: String?) -> [String] {
        var names = Set(bundledNames)
        if let directory = userDirectory,
           let files = try? FileManager.default.contentsOfDirectory(atPath: directory) {
            for file in files where file.hasSuffix(".theme") && !file.hasPrefix(".") {
                names.insert(Theme.stem(of: file))
            }
        }
        return names.sorted()
    }

    private static func loadFile(_ path: String) throws(ThemeError) -> Theme {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ThemeError("\(path): no such theme file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ThemeError("\(path): cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ThemeError("\(path): not UTF-8 text")
        }
        return try Theme(parsing: text, file: path)
    }

    private static func unknown(_ name: String, userDirectory: String?) -> ThemeError {
        let names = availableNames(userDirectory: userDirectory).joined(separator: ", ")
        var message = "unknown theme '\(name)'; available: \(names)"
        if let directory = userDirectory { message += " (your own go in \(directory)/<name>.theme)" }
        return ThemeError(message)
    }
}
