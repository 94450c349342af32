/// A top-level block of the document, by line numbers (0-based, inclusive).
public struct Block: Sendable, Equatable {
    public enum Kind: UInt8, Sendable {
        case paragraph, heading, thematicBreak, fencedCode, indentedCode, html, table, blockQuote, listItem
    }

    public var kind: Kind
    public var firstLine: Int
    public var lastLine: Int
    /// A heading's level; a table's column count; otherwise 0.
    public var level: Int

    /// Lines the block covers.
    public var lines: ClosedRange<Int> { firstLine...lastLine }
}
