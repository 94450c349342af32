extension PlanDocument {
    /// The one task with this ID; an error names what is wrong otherwise.
    func task(_ id: String) throws(PlanEditError) -> PlanTask {
        let key = taskKey(id)
        let found = view.tasks.filter { taskKey($0.id) == key }
        guard let task = found.first else { throw PlanEditError("no task \(id) in PLAN.md") }
        guard found.count == 1 else {
            throw PlanEditError("task ID \(id) is on several lines (\(found.map { String($0.line) }.joined(separator: ", "))); fix the duplicate first")
        }
        return task
    }

    func setTaskCell(id: String, column: String, value: String) throws(PlanEditError) -> Splice? {
        let task = try task(id)
        let table = anchors.tables[task.table]
        let names = view.taskTables[task.table].columns
        guard let index = columnIndex(column, table: table, names: names) else {
            throw PlanEditError("the task table on line \(table.headerLine + 1) has no \(column) column (it has: \(names.joined(separator: ", ")))")
        }
        var text = value
        if index == table.columns.index[.status], let status = TaskStatus(rawValue: value.lowercased()), status != .unknown {
            text = status.cellText
        }
        return withSource { src in Self.cellSplice(src, line: task.line - 1, column: index, text: cellSafe(text)) }
    }

    private func columnIndex(_ name: String, table: Anchors.Table, names: [String]) -> Int? {
        let key = name.lowercased()
        let known = TaskColumn.allCases.first { $0.rawValue.lowercased() == key }
        if let column = known ?? TaskColumn.named(name) ?? (key == "depends-on" ? .dependsOn : nil),
           let i = table.columns.index[column] {
            return i
        }
        return names.firstIndex { strippingEmphasis($0).lowercased() == strippingEmphasis(name).lowercased() }
    }

    /// Replaces one cell's content in place, keeping the cell's width where the new text
    /// fits so the pipes stay aligned.
    private static func cellSplice(_ src: Source, line: Int, column: Int, text: String) -> Splice {
        let r = src.content(line)
        let cells = src.cellSpans(line)
        if column >= cells.count { return appendCells(src, line: line, cells: cells, column: column, text: text) }
        let cell = cells[column]
        let oldWidth = displayWidth(src.string(cell.content))
        let trailing = cell.segment.upperBound - cell.content.upperBound
        let followedByPipe = cell.segment.upperBound < r.upperBound
        var replacement = text
        if followedByPipe {
            // A cell padded for alignment keeps its width; an unpadded one keeps its one space.
            let pad = trailing > 1 ? max(1, oldWidth + trailing - displayWidth(text)) : trailing
            replacement += String(repeating: " ", count: pad)
        }
        let range = cell.content.lowerBound..<(followedByPipe ? cell.segment.upperBound : cell.content.upperBound)
        return Splice(range: range, replacement: Array(replacement.utf8))
    }

    /// A short row gets the missing cells it needs, up to `column`.
    private static func appendCells(_ src: Source, line: Int, cells: [CellSpan], column: Int, text: String) -> Splice {
        let r = src.content(line)
        let trimmedEnd = src.trimmed(r).upperBound
        let endsWithPipe = trimmedEnd > r.lowerBound && src.b[trimmedEnd - 1] == Byte.pipe
        var added = ""
        let missing = column - cells.count
        if !endsWithPipe { added += " |" }
        for _ in 0..<missing { added += "  |" }
        added += " " + text + (endsWithPipe ? " |" : "")
        return Splice(range: trimmedEnd..<trimmedEnd, replacement: Array(added.utf8))
    }

    func addTask(_ draft: TaskDraft) throws(PlanEditError) -> Splice {
        guard !anchors.tables.isEmpty else { throw PlanEditError("PLAN.md has no task table (a table with ID and Status columns)") }
        let index = draft.table ?? 0
        guard anchors.tables.indices.contains(index) else { throw PlanEditError("there is no task table \(index + 1); PLAN.md has \(anchors.tables.count)") }
        let id = draft.id.isEmpty ? nextTaskID() : draft.id
        guard !id.contains("|"), !id.contains("\n") else { throw PlanEditError("a task ID cannot contain | or a line break") }
        if view.tasks.contains(where: { taskKey($0.id) == taskKey(id) }) { throw PlanEditError("task \(id) already exists") }
        let table = anchors.tables[index]
        let names = view.taskTables[index].columns
        var cells = [String](repeating: "", count: names.count)
        func put(_ c: TaskColumn, _ v: String) { if let i = table.columns.index[c] { cells[i] = v } }
        put(.id, id)
        put(.agent, draft.agent)
        let status = TaskStatus(rawValue: draft.status.lowercased()).flatMap { $0 == .unknown ? nil : $0.cellText } ?? draft.status
        put(.status, status)
        put(.priority, draft.priority)
        put(.description, draft.description)
        put(.dependsOn, draft.dependsOn.isEmpty ? "-" : draft.dependsOn.joined(separator: ", "))
        let header = withSource { $0.string($0.content(table.headerLine)) }
        let row = formatRow(cells, likeHeader: header)
        // The template's "Waiting for tasks" row gives way to the first real task.
        let tasksInTable = view.tasks.contains { $0.table == index }
        if !tasksInTable, table.placeholderLines.count == 1, let placeholder = table.placeholderLines.first {
            return replaceLine(placeholder, with: row)
        }
        return insertLines([row], before: table.lastLine + 1)
    }

    /// `T<n>` one past the highest numbered `T` task.
    public func nextTaskID() -> String {
        let numbers = view.tasks.compactMap { task -> Int? in
            let id = strippingEmphasis(task.id)
            guard id.first == "T" || id.first == "t" else { return nil }
            return Int(id.dropFirst())
        }
        return "T\((numbers.max() ?? 0) + 1)"
    }
}
