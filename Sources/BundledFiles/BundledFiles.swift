/// The role files and themes this binary was built with: the package's top-level `agents/`
/// and `themes/` folders, embedded at build time so an installed binary needs neither.
public enum BundledFiles {
    /// Role name → the text of `agents/<role>.md`.
    public static var agents: [String: String] { folder("agents", ext: ".md") }

    /// Theme name → the text of `themes/<name>.theme`.
    public static var themes: [String: String] { folder("themes", ext: ".theme") }

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
