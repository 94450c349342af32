extension PlanDocument {
    func appendMessage(from: String, to: [String], body: String, time: String) throws(PlanEditError) -> Splice {
        let sender = partyName(from)
        let recipients = to.map(partyName).filter { !$0.isEmpty }
        guard !sender.isEmpty else { throw PlanEditError("a message needs a sender") }
        guard !recipients.isEmpty else { throw PlanEditError("a message needs at least one recipient") }
        let timePart = time.isEmpty ? "" : " (\(lineSafe(time)))"
        let heading = "### \(sender) → \(recipients.joined(separator: ", "))\(timePart)"
        guard MessageHeading.parse(String(heading.dropFirst(4)), strict: false) != nil else {
            throw PlanEditError("\"\(sender)\" and \"\(recipients.joined(separator: ", "))\" must be names: letters, digits, spaces, - _ . @")
        }
        let lines = [heading] + Self.messageBodyLines(body)
        if let placeholder = anchors.noMessagesLine { return replaceLine(placeholder, withLines: lines) }
        if let section = anchors.messages {
            let at = section.lastContent + 1
            // A blank line after the message keeps a following `---` from underlining it.
            let after = at < self.lines.count && !withSource({ $0.isBlank(at) }) ? [""] : []
            return insertLines(closers(before: at) + [""] + lines + after, before: at)
        }
        return insertLines(closers(before: self.lines.count) + ["", "---", "", "## Messages", ""] + lines, before: self.lines.count)
    }

    func setMessageSender(line: Int, from: String) throws(PlanEditError) -> Splice? {
        guard let message = view.messages.first(where: { $0.line == line }) else { throw PlanEditError("no message heading on line \(line)") }
        let sender = partyName(from)
        guard !sender.isEmpty else { throw PlanEditError("a message needs a sender") }
        if message.from == sender { return nil }
        let marks = withSource { src in src.string(src.content(line - 1)).prefix { $0 == "#" || $0 == " " } }
        let timePart = message.time.isEmpty ? "" : " (\(lineSafe(message.time)))"
        return replaceLine(line - 1, with: "\(marks)\(sender) → \(message.to.joined(separator: ", "))\(timePart)")
    }

    /// A fence or HTML comment left open runs to the end of the file and would swallow a
    /// message appended after it: close it first (the file already has a diagnostic for it).
    func closers(before line: Int) -> [String] {
        guard let open = blocks.last, open.lastLine == lines.count - 1, open.firstLine < line else { return [] }
        return withSource { src in
            let first = LineStart(src.b, src.content(open.firstLine).lowerBound, src.content(open.firstLine).upperBound)
            if open.kind == .fencedCode, unclosedFence == open.firstLine, let fence = first.fenceOpener {
                return [String(repeating: fence.marker == Byte.backtick ? "`" : "~", count: fence.length)]
            }
            let last = src.content(open.lastLine)
            if open.kind == .html, case .rawText(let closer)? = HTMLBlock.opening(src.b, first.indent.firstNonBlank, first.end, interruptsParagraph: false),
               !HTMLBlock.rawText(closer: closer).ends(src.b, last.lowerBound, last.upperBound) {
                return [String(decoding: closer, as: UTF8.self)]
            }
            return []
        }
    }

    /// Role names as messages write them: `builder` → `Builder`.
    private func partyName(_ raw: String) -> String {
        let name = lineSafe(raw)
        guard let first = name.first else { return name }
        return first.uppercased() + name.dropFirst()
    }

    /// The body as lines that cannot end the message early: a heading, a thematic break or
    /// a setext underline is escaped, and a fence or HTML block left open is neutralised so
    /// it cannot swallow the rest of the file. Nor can it add work: a task table quoted in
    /// it has its delimiter row escaped, so it reads as text, not as tasks.
    static func messageBodyLines(_ body: String) -> [String] {
        // NUL has no place in a text file (tools stop at it): shown as the symbol for it.
        let body = body.contains("\u{0}") ? String(String.UnicodeScalarView(body.unicodeScalars.map { $0.value == 0 ? "\u{2400}" : $0 })) : body
        var lines = body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).map(String.init)
        while let first = lines.first, first.trimmingBlanks().isEmpty { lines.removeFirst() }
        while let last = lines.last, last.trimmingBlanks().isEmpty { lines.removeLast() }
        // Escaping a fence or HTML block left open brings the lines after it out of it, to be
        // looked at again: look until a look finds nothing new.
        var escaped = Set<Int>()
        while true {
            let found = Self.linesToEscape(PlanDocument(lines.joined(separator: "\n"))).subtracting(escaped)
            if found.isEmpty { return lines }
            for i in found where i < lines.count {
                let indent = lines[i].prefix { $0 == " " }
                lines[i] = indent + "\\" + lines[i].dropFirst(indent.count)
            }
            escaped.formUnion(found)
        }
    }

    /// The lines of `probe` that could end a message or add to the plan.
    private static func linesToEscape(_ probe: PlanDocument) -> Set<Int> {
        var escape = Set<Int>()
        for block in probe.blocks {
            switch block.kind {
            case .heading:
                if block.level <= 3 { escape.insert(block.firstLine == block.lastLine ? block.firstLine : block.lastLine) }
            case .thematicBreak:
                escape.insert(block.firstLine)
            case .fencedCode, .html:
                if block.lastLine == probe.lines.count - 1 && !Self.closes(probe, block) { escape.insert(block.firstLine) }
            default: break
            }
        }
        for table in probe.anchors.tables { escape.insert(table.headerLine + 1) }
        return escape
    }

    /// Does a fenced code or HTML block that reaches the body's end actually close there?
    private static func closes(_ doc: PlanDocument, _ block: Block) -> Bool {
        guard block.firstLine < block.lastLine else {
            return block.kind == .html && doc.withSource { src in
                let r = src.content(block.firstLine)
                let start = Indent(src.b, r.lowerBound, r.upperBound).firstNonBlank
                return HTMLBlock.opening(src.b, start, r.upperBound, interruptsParagraph: false).map {
                    $0 == .untilBlankLine || $0.ends(src.b, start, r.upperBound)
                } ?? true
            }
        }
        return doc.withSource { src in
            let open = LineStart(src.b, src.content(block.firstLine).lowerBound, src.content(block.firstLine).upperBound)
            let last = LineStart(src.b, src.content(block.lastLine).lowerBound, src.content(block.lastLine).upperBound)
            if let fence = open.fenceOpener { return last.closesFence(marker: fence.marker, length: fence.length) }
            let r = src.content(block.firstLine)
            guard let html = HTMLBlock.opening(src.b, open.indent.firstNonBlank, r.upperBound, interruptsParagraph: false) else { return true }
            return html == .untilBlankLine || html.ends(src.b, last.start, last.end)
        }
    }
}
