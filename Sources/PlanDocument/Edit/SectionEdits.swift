extension PlanDocument {
    func setCheckpointItem(text: String, done: Bool) throws(PlanEditError) -> Splice? {
        let items = view.checkpoints.flatMap(\.items)
        let wanted = text.trimmingBlanks()
        var matches = items.filter { $0.text == wanted }
        if matches.isEmpty { matches = items.filter { $0.text.lowercased() == wanted.lowercased() } }
        if matches.isEmpty { matches = items.filter { $0.text.lowercased().contains(wanted.lowercased()) } }
        guard !wanted.isEmpty, let item = matches.first else { throw PlanEditError("no checkpoint item matches \"\(text)\"") }
        guard matches.count == 1 else {
            throw PlanEditError("\"\(text)\" matches \(matches.count) checkpoint items: " + matches.map { "\"\($0.text)\" (line \($0.line))" }.joined(separator: ", "))
        }
        if item.done == done { return nil }
        let mark = withSource { Checkbox($0, line: item.line - 1)?.mark }
        guard let mark else { throw PlanEditError("checkpoint item on line \(item.line) changed while reading") }
        return Splice(range: mark..<(mark + 1), replacement: [done ? 0x78 : Byte.space])
    }

    func appendChangeLog(date: String, change: String, by: String) -> Splice {
        guard let log = anchors.changeLog else {
            let row = formatRow([date, change, by], likeHeader: "| Date | Change | By |")
            return insertLines(["", "## Change Log", "", "| Date | Change | By |", "|------|--------|----|", row], before: lines.count)
        }
        var cells = [String](repeating: "", count: log.columns.count)
        cells[log.columns.date] = date
        cells[log.columns.change] = change
        if let b = log.columns.by { cells[b] = by }
        let header = withSource { $0.string($0.content(log.headerLine)) }
        return insertLines([formatRow(cells, likeHeader: header)], before: log.lastLine + 1)
    }

    func recordVerdict(kind: VerdictKind, subject: String, verdict: String) throws(PlanEditError) -> Splice {
        guard let text = VerdictSection.text(for: verdict, kind: kind) else {
            let allowed = ["approved", "changes_requested", "secure", "issues_found", "critical_block", "pass", "needs_fixes"]
                .filter { VerdictSection.text(for: $0, kind: kind) != nil }
            throw PlanEditError("\"\(verdict)\" is not a \(kind.rawValue) verdict (use \(allowed.joined(separator: ", ")))")
        }
        let key = subject.trimmingBlanks().lowercased()
        let spots = anchors.verdicts.filter { $0.kind == kind && (key.isEmpty || $0.subject.lowercased() == key) }
        guard let spot = spots.last else {
            let title = "## \(VerdictSection.heading(for: kind))" + (subject.isEmpty ? "" : ": \(lineSafe(subject))")
            return insertLines(["", title, "", "### Verdict", text], before: lines.count)
        }
        if let line = spot.verdictLine {
            let current = withSource { $0.trimmedLine(line) }
            let inline = current.drop { "-*_ ".contains($0) }.lowercased().hasPrefix("verdict")
            let indent = withSource { src -> String in
                let r = src.content(line)
                return src.string(r.lowerBound..<Indent(src.b, r.lowerBound, r.upperBound).firstNonBlank)
            }
            return replaceLine(line, with: indent + (inline ? "**Verdict:** \(text)" : text))
        }
        if let heading = spot.verdictHeadingLine { return insertLines([text], before: heading + 1) }
        return insertLines(["", "### Verdict", text], before: spot.sectionEnd)
    }

    func appendSection(_ markdown: String) -> Splice {
        var body = markdown.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).map(String.init)
        while body.last?.trimmingBlanks().isEmpty == true { body.removeLast() }
        return insertLines(closers(before: lines.count) + [""] + body, before: lines.count)
    }

    func setField(name: String, value: String) throws(PlanEditError) -> Splice {
        // A name that reads back as the same field: `**:**` or `**a*b:**` would not.
        let trimmed = lineSafe(name).trimmingBlanks()
        guard !trimmed.isEmpty, !trimmed.contains(where: { $0 == "*" || $0 == ":" }) else {
            throw PlanEditError("a field's name is a word or a few, without * or : (like Status)")
        }
        let key = name.lowercased()
        guard let i = view.fields.firstIndex(where: { $0.name.lowercased() == key }) else {
            guard let last = anchors.fieldLines.last else { throw PlanEditError("PLAN.md has no header fields (lines like **Status:** …)") }
            return insertLines(["**\(lineSafe(name)):** \(lineSafe(value))  "], before: last + 1)
        }
        let line = anchors.fieldLines[i]
        let current = withSource { $0.string($0.content(line)) }
        let hardBreak = current.hasSuffix("  ") ? "  " : (current.hasSuffix("\\") ? "\\" : "")
        let prefix = current.prefix { $0 == " " || $0 == "-" || $0 == "*" && !current.hasPrefix("**") }
        return replaceLine(line, with: "\(prefix)**\(view.fields[i].name):** \(lineSafe(value))\(hardBreak)")
    }
}
