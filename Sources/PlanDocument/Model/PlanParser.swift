/// Builds the typed view from the blocks in one pass.
struct PlanParser {
    let src: Source
    let blocks: [Block]
    var view = PlanView()
    var anchors = Anchors()

    // The pass's position.
    private var h2Title: String?
    private var seenH2 = false
    private var openMessage: (heading: MessageHeading, line: Int)?
    private var openCheckpoint: Int?
    private var openVerdict: Int?
    private var openMessagesSection: Int?

    init(src: Source, blocks: [Block]) {
        self.src = src
        self.blocks = blocks
    }

    mutating func run() {
        for block in blocks {
            switch block.kind {
            case .heading: heading(block)
            case .thematicBreak: closeMessage(at: block.firstLine); openCheckpoint = nil
            case .paragraph, .listItem: text(block)
            case .table: table(block)
            default: break
            }
        }
        closeMessage(at: src.lines.count)
        closeSections(at: src.lines.count)
        PlanLint.check(&view)
    }

    // MARK: headings

    private mutating func heading(_ block: Block) {
        let level = block.level
        guard level <= 3 else { return }
        closeMessage(at: block.firstLine)
        openCheckpoint = nil
        if level <= 2 {
            let title = src.headingText(block)
            closeSections(at: block.firstLine)
            seenH2 = seenH2 || level == 2
            h2Title = level == 2 ? title : nil
            inMessagesSection = level == 2 && title.lowercased().contains("message")
            if level == 2 {
                view.sections.append(title)
                openSection(title, block)
            }
            return
        }
        // Level 3: a checkpoint, a message, or a verdict heading. Read as bytes first —
        // most headings in a big file are messages.
        guard block.firstLine == block.lastLine else { return }
        let text = src.atxText(block.firstLine)
        if src.hasPrefix(text, caseInsensitive: "checkpoint"), let checkpoint = Self.checkpoint(src.string(text)) {
            view.checkpoints.append(Checkpoint(number: checkpoint.number, title: checkpoint.title, line: block.firstLine + 1, items: []))
            openCheckpoint = view.checkpoints.count - 1
        } else if let heading = MessageHeading.parse(src.b, text, strict: !inMessagesSection) {
            openMessage = (heading, block.firstLine)
        } else if let v = openVerdict, src.hasPrefix(text, caseInsensitive: "verdict") {
            anchors.verdicts[v].verdictHeadingLine = block.firstLine
        }
    }

    /// Under `## Messages` any arrow heading is a message; elsewhere only known parties make one.
    private var inMessagesSection = false

    private mutating func openSection(_ title: String, _ block: Block) {
        if title.lowercased().hasPrefix("messages") {
            anchors.messages = Anchors.Section(headingLine: block.firstLine, end: src.lines.count, lastContent: block.lastLine)
            openMessagesSection = block.firstLine
        }
        if let (kind, subject) = VerdictSection.parse(title) {
            view.verdicts.append(Verdict(kind: kind, subject: subject, verdict: "undecided", line: block.firstLine + 1, text: ""))
            anchors.verdicts.append(Anchors.VerdictSpot(kind: kind, subject: subject, headingLine: block.firstLine, sectionEnd: src.lines.count))
            openVerdict = view.verdicts.count - 1
        }
    }

    /// Ends the sections a heading of level 1 or 2 (or the end) closes.
    private mutating func closeSections(at line: Int) {
        let end = sectionEnd(before: line)
        if openMessagesSection != nil {
            anchors.messages?.end = end.end
            anchors.messages?.lastContent = end.lastContent
            openMessagesSection = nil
        }
        if let v = openVerdict { anchors.verdicts[v].sectionEnd = end.lastContent + 1; openVerdict = nil }
    }

    /// Walks back over blank lines and a `---` separator before `line`.
    private func sectionEnd(before line: Int) -> (end: Int, lastContent: Int) {
        var last = line - 1
        while last >= 0 && src.isBlank(last) { last -= 1 }
        var end = line
        if last >= 0, LineStart(src.b, src.content(last).lowerBound, src.content(last).upperBound).isThematicBreak {
            end = last
            last -= 1
            while last >= 0 && src.isBlank(last) { last -= 1 }
        }
        return (end, last)
    }

    private static func checkpoint(_ title: String) -> (number: Int?, title: String)? {
        guard title.lowercased().hasPrefix("checkpoint") else { return nil }
        var rest = title.dropFirst("checkpoint".count).trimmingBlanks()
        let digits = rest.prefix { $0.isNumber }
        rest = rest.dropFirst(digits.count)
        rest = rest.drop { $0 == ":" || $0 == " " || $0 == "-" || $0 == "." || $0 == "—" }
        return (Int(digits), String(rest).trimmingBlanks())
    }

    private mutating func closeMessage(at line: Int) {
        guard let (heading, start) = openMessage else { return }
        let body = src.body(from: start + 1, to: line)
        view.messages.append(PlanMessage(from: heading.from, to: heading.to, time: heading.time, body: body, line: start + 1))
        // Blank lines after the body are the gap before what follows, nobody's.
        var end = line
        while end > start + 1 && src.isBlank(end - 1) { end -= 1 }
        anchors.messageSpans.append(start..<end)
        openMessage = nil
    }

    // MARK: text blocks

    private mutating func text(_ block: Block) {
        if !seenH2 { fields(block) }
        if let c = openCheckpoint { checkboxes(block, into: c) }
        if let v = openVerdict { verdictText(block, v) }
        if openMessagesSection != nil, openMessage == nil, block.firstLine == block.lastLine,
           src.trimmedLine(block.firstLine).lowercased().hasPrefix("_no messages") {
            anchors.noMessagesLine = block.firstLine
        }
    }

    private mutating func fields(_ block: Block) {
        for i in block.lines {
            var t = Substring(src.trimmedLine(i))
            if t.hasPrefix("- ") || t.hasPrefix("* ") { t = t.dropFirst(2).trimmingBlanks() }
            guard t.hasPrefix("**"), let close = t.dropFirst(2).firstRange(of: "**") else { continue }
            var name = t[t.index(t.startIndex, offsetBy: 2)..<close.lowerBound]
            var value = t[close.upperBound...]
            if name.hasSuffix(":") { name = name.dropLast() } else if value.hasPrefix(":") { value = value.dropFirst() } else { continue }
            if value.hasSuffix("\\") { value = value.dropLast() }
            view.fields.append(Field(name: String(name).trimmingBlanks(), value: String(value).trimmingBlanks(), line: i + 1))
            anchors.fieldLines.append(i)
        }
    }

    private mutating func checkboxes(_ block: Block, into c: Int) {
        for i in block.lines {
            guard let item = Checkbox(src, line: i) else { continue }
            view.checkpoints[c].items.append(CheckpointItem(text: item.text, done: item.done, line: i + 1))
        }
    }

    private mutating func verdictText(_ block: Block, _ v: Int) {
        guard anchors.verdicts[v].verdictLine == nil else { return }
        let kind = view.verdicts[v].kind
        if let h = anchors.verdicts[v].verdictHeadingLine, block.firstLine > h {
            record(v, line: block.firstLine, text: src.trimmedLine(block.firstLine), kind: kind)
            return
        }
        for i in block.lines {
            let t = src.trimmedLine(i).drop { "-*_ ".contains($0) }
            guard t.lowercased().hasPrefix("verdict") else { continue }
            let after = t.dropFirst("verdict".count).drop { $0 == ":" || $0 == "*" || $0 == " " }
            record(v, line: i, text: String(after), kind: kind)
            return
        }
    }

    private mutating func record(_ v: Int, line: Int, text: String, kind: VerdictKind) {
        anchors.verdicts[v].verdictLine = line
        view.verdicts[v].line = line + 1
        view.verdicts[v].text = text
        view.verdicts[v].verdict = VerdictSection.classify(text, kind: kind)
        if view.verdicts[v].verdict == "unknown" {
            view.diagnostics.append(Diagnostic(line: line + 1, severity: .warning, message: "verdict \"\(text)\" is not one of the \(kind.rawValue) verdicts"))
        }
    }

    // MARK: tables

    private mutating func table(_ block: Block) {
        let names = src.cellTexts(block.firstLine)
        guard !names.isEmpty else { return }
        if let columns = ColumnMap(taskHeader: names) {
            taskTable(block, names: names, columns: columns)
        } else if let columns = ChangeLogColumns(header: names) {
            changeLogTable(block, columns: columns)
        }
    }

    private mutating func taskTable(_ block: Block, names: [String], columns: ColumnMap) {
        let tableIndex = view.taskTables.count
        var anchor = Anchors.Table(headerLine: block.firstLine, lastLine: block.lastLine, columns: columns, placeholderLines: [])
        view.taskTables.append(TaskTable(columns: names, line: block.firstLine + 1, lastLine: block.lastLine + 1, section: h2Title ?? ""))
        guard block.lastLine >= block.firstLine + 2 else { anchors.tables.append(anchor); return }
        for line in (block.firstLine + 2)...block.lastLine {
            let cells = src.cellTexts(line)
            if cells.count != names.count {
                view.diagnostics.append(Diagnostic(line: line + 1, severity: .warning, message: "row has \(cells.count) cells, the table has \(names.count)"))
            }
            func value(_ c: TaskColumn) -> String {
                guard let i = columns.index[c], i < cells.count else { return "" }
                return cells[i]
            }
            let id = value(.id)
            if isPlaceholderID(id) { anchor.placeholderLines.append(line); continue }
            let byColumn = (0..<names.count).map { $0 < cells.count ? cells[$0] : "" }
            let statusText = value(.status)
            view.tasks.append(PlanTask(
                id: id, agent: value(.agent), status: TaskStatus(cell: statusText), statusText: statusText,
                priority: value(.priority), description: value(.description), dependsOn: dependencyIDs(value(.dependsOn)),
                line: line + 1, cells: byColumn, table: tableIndex))
        }
        anchors.tables.append(anchor)
    }

    private mutating func changeLogTable(_ block: Block, columns: ChangeLogColumns) {
        anchors.changeLog = Anchors.ChangeLog(headerLine: block.firstLine, lastLine: block.lastLine, columns: columns)
        guard block.lastLine >= block.firstLine + 2 else { return }
        for line in (block.firstLine + 2)...block.lastLine {
            let cells = src.cellTexts(line)
            func at(_ i: Int?) -> String { i.map { $0 < cells.count ? cells[$0] : "" } ?? "" }
            view.changeLog.append(ChangeLogEntry(date: at(columns.date), change: at(columns.change), by: at(columns.by), line: line + 1))
        }
    }
}

/// A checkbox list item: `- [ ] text`, `* [x] text`, `1. [X] text`.
struct Checkbox {
    var done: Bool
    var text: String
    /// Offset of the byte between the brackets.
    var mark: Int

    init?(_ src: Source, line: Int) {
        let r = src.content(line)
        let b = src.b
        var i = Indent(b, r.lowerBound, r.upperBound).firstNonBlank
        if i < r.upperBound, b[i] == Byte.dash || b[i] == Byte.star || b[i] == Byte.plus {
            i += 1
        } else {
            let digits = i
            while i < r.upperBound && Byte.isDigit(b[i]) { i += 1 }
            guard i > digits, i < r.upperBound, b[i] == Byte.dot || b[i] == Byte.rparen else { return nil }
            i += 1
        }
        guard i < r.upperBound, Byte.isBlank(b[i]) else { return nil }
        while i < r.upperBound && Byte.isBlank(b[i]) { i += 1 }
        guard i + 2 < r.upperBound, b[i] == 0x5B, b[i + 2] == 0x5D else { return nil }
        let m = b[i + 1]
        guard m == Byte.space || m == 0x78 || m == 0x58 else { return nil }
        done = m != Byte.space
        mark = i + 1
        text = src.string(src.trimmed((i + 3)..<r.upperBound))
    }
}
