/// Every GFM table in the document, as cells — task tables or not.
public struct TableCells: Sendable, Equatable {
    /// 1-based line of the header row.
    public var line: Int
    public var header: [String]
    /// Body rows, each with exactly `header.count` cells as GFM renders them: extra cells
    /// dropped, missing ones empty.
    public var rows: [[String]]
}

extension PlanDocument {
    public func tables() -> [TableCells] {
        withSource { src in
            blocks.filter { $0.kind == .table }.map { block in
                let header = src.cellTexts(block.firstLine)
                var rows: [[String]] = []
                if block.lastLine >= block.firstLine + 2 {
                    for line in (block.firstLine + 2)...block.lastLine {
                        let row = src.cellTexts(line)
                        rows.append((0..<header.count).map { $0 < row.count ? row[$0] : "" })
                    }
                }
                return TableCells(line: block.firstLine + 1, header: header, rows: rows)
            }
        }
    }
}
