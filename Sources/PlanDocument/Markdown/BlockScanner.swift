/// Splits a document's lines into top-level blocks by CommonMark's block rules, with GFM
/// tables as cmark-gfm builds them.
///
/// Block quotes are opaque (nothing inside them counts). List items are transparent: their
/// marker line and lazy continuation lines form a `listItem` block, and what follows at
/// any indent is scanned as top-level blocks — the shapes PLAN.md uses (checkboxes,
/// fences inside items) come out the same as a full container parse would give.
struct BlockScanner {
    private enum Open {
        case none
        case paragraph(first: Int)
        case listItem(first: Int)
        case table(first: Int, columns: Int)
        case fence(first: Int, marker: UInt8, length: Int)
        case indentedCode(first: Int, lastNonBlank: Int)
        case html(first: Int, kind: HTMLBlock)
        case quote(first: Int, lazy: Bool)
    }

    struct Result {
        var blocks: [Block] = []
        /// The first line of a fence still open at the end of the document.
        var unclosedFence: Int?
    }

    static func scan(_ b: UnsafeBufferPointer<UInt8>, _ lines: LineTable) -> Result {
        var scanner = BlockScanner(b: b, lines: lines)
        for line in 0..<lines.count { scanner.feed(line) }
        scanner.finish()
        return scanner.result
    }

    private let b: UnsafeBufferPointer<UInt8>
    private let lines: LineTable
    private var open: Open = .none
    private var result = Result()

    private init(b: UnsafeBufferPointer<UInt8>, lines: LineTable) {
        self.b = b
        self.lines = lines
        result.blocks.reserveCapacity(lines.count / 2)
    }

    private func lineStart(_ i: Int) -> LineStart {
        let s = lines.starts[i]
        return LineStart(b, s, contentEnd(b, s, lines.starts[i + 1]))
    }

    private mutating func emit(_ kind: Block.Kind, _ first: Int, _ last: Int, level: Int = 0) {
        result.blocks.append(Block(kind: kind, firstLine: first, lastLine: last, level: level))
    }

    private mutating func feed(_ i: Int) {
        let line = lineStart(i)
        if continueOpenBlock(i, line) { return }
        start(i, line)
    }

    /// Gives the line to the open block. False when the block ended and the line must
    /// start something new.
    private mutating func continueOpenBlock(_ i: Int, _ line: LineStart) -> Bool {
        switch open {
        case .none:
            return false
        case let .fence(first, marker, length):
            if line.closesFence(marker: marker, length: length) {
                emit(.fencedCode, first, i)
                open = .none
            }
            return true
        case let .html(first, kind):
            switch kind {
            case .untilBlankLine:
                if line.isBlank { emit(.html, first, i - 1); open = .none }
            case .rawText:
                if kind.ends(b, line.start, line.end) { emit(.html, first, i); open = .none }
            }
            return true
        case let .indentedCode(first, lastNonBlank):
            if line.isBlank { return true }
            if line.indent.columns >= 4 { open = .indentedCode(first: first, lastNonBlank: i); return true }
            emit(.indentedCode, first, lastNonBlank)
            open = .none
            return false
        case let .table(first, columns):
            if line.isBlank { emit(.table, first, i - 1, level: columns); open = .none; return true }
            if !line.opensBlock(afterParagraph: false),
               TableRow.cellCount(b, line.indent.firstNonBlank, line.end) > 0 {
                return true
            }
            emit(.table, first, i - 1, level: columns)
            open = .none
            return false
        case let .quote(first, lazy):
            if line.opensBlockQuote { open = .quote(first: first, lazy: quoteContentIsText(line)); return true }
            if lazy && !line.isBlank && !line.opensBlock(afterParagraph: true) { return true }
            emit(.blockQuote, first, i - 1)
            open = .none
            return line.isBlank
        case let .listItem(first):
            if line.isBlank { emit(.listItem, first, i - 1); open = .none; return true }
            if line.opensBlock(afterParagraph: true) { emit(.listItem, first, i - 1); open = .none; return false }
            return true
        case let .paragraph(first):
            return continueParagraph(first, i, line)
        }
    }

    private mutating func continueParagraph(_ first: Int, _ i: Int, _ line: LineStart) -> Bool {
        if line.isBlank { emit(.paragraph, first, i - 1); open = .none; return true }
        let setext = line.setextLevel
        if setext > 0 { emit(.heading, first, i, level: setext); open = .none; return true }
        if line.opensBlock(afterParagraph: true) { emit(.paragraph, first, i - 1); open = .none; return false }
        let columns = line.delimiterCells
        if columns > 0 {
            // The paragraph's last line is the header row when the cell counts agree.
            let header = lineStart(i - 1)
            if TableRow.cellCount(b, header.indent.firstNonBlank, header.end) == columns {
                if first < i - 1 { emit(.paragraph, first, i - 2) }
                open = .table(first: i - 1, columns: columns)
            }
        }
        return true
    }

    private mutating func start(_ i: Int, _ line: LineStart) {
        if line.isBlank { return }
        if line.indent.columns >= 4 { open = .indentedCode(first: i, lastNonBlank: i); return }
        if line.opensBlockQuote { open = .quote(first: i, lazy: quoteContentIsText(line)); return }
        let level = line.atxLevel
        if level > 0 { emit(.heading, i, i, level: level); return }
        if let fence = line.fenceOpener { open = .fence(first: i, marker: fence.marker, length: fence.length); return }
        if let html = HTMLBlock.opening(b, line.indent.firstNonBlank, line.end, interruptsParagraph: false) {
            if html.ends(b, line.indent.firstNonBlank, line.end) { emit(.html, i, i) } else { open = .html(first: i, kind: html) }
            return
        }
        if line.isThematicBreak { emit(.thematicBreak, i, i); return }
        if let item = line.listItem {
            if item.isEmpty { emit(.listItem, i, i); return }
            // An item whose text opens a code fence (`- ```): the fence runs until its
            // closer, as inside the item.
            if let fence = LineStart(b, item.contentStart, line.end).fenceOpener {
                open = .fence(first: i, marker: fence.marker, length: fence.length)
                return
            }
            open = .listItem(first: i)
            return
        }
        open = .paragraph(first: i)
    }

    /// After `>` markers, is the rest paragraph text (so a following line may continue it
    /// lazily)?
    private func quoteContentIsText(_ line: LineStart) -> Bool {
        var i = line.indent.firstNonBlank
        while i < line.end && b[i] == Byte.greater {
            i += 1
            if i < line.end && Byte.isBlank(b[i]) { i += 1 }
            while i < line.end && b[i] == Byte.space { i += 1 }
        }
        let inner = LineStart(b, i, line.end)
        return !inner.isBlank && !inner.opensBlock(afterParagraph: false)
    }

    private mutating func finish() {
        let last = lines.count - 1
        switch open {
        case .none: break
        case let .paragraph(first): emit(.paragraph, first, last)
        case let .listItem(first): emit(.listItem, first, last)
        case let .table(first, columns): emit(.table, first, last, level: columns)
        case let .fence(first, _, _):
            emit(.fencedCode, first, last)
            result.unclosedFence = first
        case let .indentedCode(first, lastNonBlank): emit(.indentedCode, first, lastNonBlank)
        case let .html(first, kind):
            // A kind-6/7 block ends at the last non-blank line before the end.
            _ = kind
            emit(.html, first, last)
        case let .quote(first, _): emit(.blockQuote, first, last)
        }
        open = .none
    }
}
