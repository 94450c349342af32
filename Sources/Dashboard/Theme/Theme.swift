/// A theme: a style for every `ThemeRole`, whatever the file defined.
public struct Theme: Sendable {
    /// The file's `name = …`, else the file name without `.theme`.
    public let name: String
    /// The roles as the file set them, before fallbacks.
    public let definedStyles: [ThemeRole: ThemeStyle]
    /// Every role, resolved once so drawing is a lookup.
    private let resolved: [ThemeRole: ThemeStyle]

    public init(name: String, styles: [ThemeRole: ThemeStyle]) {
        self.name = name
        definedStyles = styles
        var resolved: [ThemeRole: ThemeStyle] = [:]
        for role in ThemeRole.allCases { resolved[role] = Self.resolve(role, in: styles) }
        self.resolved = resolved
    }

    /// Parses a theme file's text; `file` names it in error messages
    /// (`themes/gruvbox.theme:7: …`) and, without a `name =` line, names the theme.
    public init(parsing text: String, file: String) throws(ThemeError) {
        let parsed = try ThemeParser(file: file).parse(text)
        self.init(name: parsed.name ?? Self.stem(of: file), styles: parsed.styles)
    }

    /// The style of `role` as the theme means it (24-bit colours and all).
    public func style(_ role: ThemeRole) -> ThemeStyle {
        resolved[role] ?? .plain
    }

    /// The style of `role` as a terminal at `depth` can draw it (`degraded(_:depth:)`), kept
    /// visible: a role with an `emphasis` (selection → reverse, attention → bold,
    /// search_match → underline) gets it when it would otherwise look like plain text. At
    /// `.none` that is every such style without attributes.
    public func style(_ role: ThemeRole, depth: ColorDepth) -> ThemeStyle {
        var style = degraded(style(role), depth: depth)
        if style.isPlain, let emphasis = role.emphasis { style[keyPath: emphasis] = true }
        return style
    }

    /// Follows `ThemeRole.fallback` until a defined role; `text` undefined is the terminal's
    /// default look. A role that borrows another's style gains its `emphasis`, since it would
    /// otherwise be indistinguishable from the role it borrowed from.
    private static func resolve(_ role: ThemeRole, in styles: [ThemeRole: ThemeStyle]) -> ThemeStyle {
        if let style = styles[role] { return style }
        var style = role.fallback.map { resolve($0, in: styles) } ?? .plain
        if let emphasis = role.emphasis { style[keyPath: emphasis] = true }
        return style
    }

    /// `themes/gruvbox.theme` → `gruvbox`.
    static func stem(of file: String) -> String {
        let base = file.split(separator: "/").last.map(String.init) ?? file
        return base.hasSuffix(".theme") ? String(base.dropLast(".theme".count)) : base
    }
}
