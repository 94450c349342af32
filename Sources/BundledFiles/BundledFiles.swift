/// The role files, themes and screen rules this binary was built with: the package's
/// top-level `agents/`, `themes/` and `screens/` folders, embedded at build time so an
/// installed binary needs none of them.
public enum BundledFiles {
    /// Role name → the text of `agents/<role>.md`.
    public static var agents: [String: String] { folder("agents", ext: ".md") }

    /// Theme name → the text of `themes/<name>.theme`.
    public static var themes: [String: String] { folder("themes", ext: ".theme") }

    /// CLI name → the text of `screens/<cli>.yaml`: how to read that agent CLI's screen.
    public static var screens: [String: String] { folder("screens", ext: ".yaml") }

    /// Every embedded file by its path in the package (`agents/builder.md`).
    public static var all: [String: String] { Embedded.files }

    private static func folder(_ name: String, ext: String) -> [String: String] {
        var out: [String: String] = [:]
        for (path, text) in Embedded.files where path.hasPrefix(name + "/") && path.hasSuffix(ext) {
            out[String(path.dropFirst(name.count + 1).dropLast(ext.count))] = text
        }
        return out
    }
}
