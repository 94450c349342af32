/// A theme that cannot be used, with a message that says where and why
/// (`themes/x.theme:7: unknown role 'phase_curent'`).
public struct ThemeError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    /// A problem on a line of a file; `line` is 1-based.
    static func at(_ file: String, line: Int, _ problem: String) -> ThemeError {
        ThemeError("\(file):\(line): \(problem)")
    }
}
