/// A GFM table's rows laid out in columns by display width: the header in bold over a rule,
/// cells simplified as inline text, columns apart by ` │ `. The `|---|` row is dropped.
enum MarkdownTable {
    static func rows(_ lines: [String]) -> [StyledRow] {
        var table = lines.map(cells)
        let delimiter = table.count > 1 && table[1].allSatisfy(isDelimiter)
        if delimiter { table.remove(at: 1) }
        let styled = table.enumerated().map { i, row in row.map { PlanMarkdown.inline($0, i == 0 && delimiter ? .title : .text) } }
        let columns = styled.map(\.count).max() ?? 0
        let widths = (0..<columns).map { c in styled.map { $0.indices.contains(c) ? StyledRows.width($0[c]) : 0 }.max() ?? 0 }
        var rows: [StyledRow] = []
        for (i, row) in styled.enumerated() {
            var line: StyledRow = []
            for c in 0..<columns {
                let cell = row.indices.contains(c) ? row[c] : []
                if c > 0 { line += StyledRows.of(" │ ", .border) }
                line += cell
                if c < columns - 1 { line += StyledRows.of(String(repeating: " ", count: widths[c] - StyledRows.width(cell)), .text) }
            }
            rows.append(line)
            if i == 0, delimiter {
                rows.append(StyledRows.of(widths.map { String(repeating: "─", count: $0) }.joined(separator: "─┼─"), .border))
            }
        }
        return rows
    }

    /// `| a | b \| c |` → [`a`, `b | c`].
    static func cells(_ line: String) -> [String] {
        var cells: [String] = []
        var cell = ""
        var escaped = false
        for c in line.dropFirst() {
            if escaped {
                if c != "|" { cell.append("\\") }
                cell.append(c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == "|" {
                cells.append(cell)
                cell = ""
            } else {
                cell.append(c)
            }
        }
        if escaped { cell.append("\\") }
        if !cell.allSatisfy({ $0 == " " || $0 == "\t" }) { cells.append(cell) }
        return cells.map { String($0.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) }
    }

    private static func isDelimiter(_ cell: String) -> Bool {
        !cell.isEmpty && cell.contains("-") && cell.allSatisfy { $0 == "-" || $0 == ":" }
    }
}
