import TextWidth

/// Text made safe to put in a table cell: pipes escaped, line breaks folded to spaces.
func cellSafe(_ value: String) -> String {
    var out = ""
    var previous: Character = " "
    for ch in value {
        switch ch {
        case "\n", "\r", "\r\n": out.append(" ")
        case "|" where previous != "\\": out.append("\\|")
        default: out.append(ch)
        }
        previous = ch
    }
    return out.trimmingBlanks()
}

/// Text made safe for one line outside a table (a heading, a field): line breaks folded.
func lineSafe(_ value: String) -> String {
    String(value.map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 }).trimmingBlanks()
}

/// A row in the shape of its table's header: the same indentation and outer pipes.
func formatRow(_ cells: [String], likeHeader header: String) -> String {
    let indent = header.prefix { $0 == " " }
    let body = header.trimmingBlanks()
    let lead = body.hasPrefix("|") ? "| " : ""
    let trail = body.hasSuffix("|") ? " |" : ""
    return String(indent) + lead + cells.map(cellSafe).joined(separator: " | ") + trail
}

func displayWidth(_ s: String) -> Int { TextWidth.columns(of: s) }
