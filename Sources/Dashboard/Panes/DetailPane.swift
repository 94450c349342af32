import FactoryEngine
import Foundation
import TextWidth

/// The selected agent up close, live: its state, attempt, tokens and cost; why its last run
/// went wrong (when it did); its commits and diff stat against main (as the height allows);
/// then its story — a protocol agent's activity, anyone else's log — with a rule where each
/// attempt began. The story follows its newest line, or stays where the user scrolled it,
/// with a note in the bottom border of what arrived since.
enum DetailPane {
    typealias Row = (text: String, role: ThemeRole)

    /// `readKey`: the key of the request view, named beside a request the agent waits on.
    static func draw(_ detail: AgentDetail?, agent: AgentSnapshot, scroll: FeedScroll, focused: Bool, readKey: String? = nil,
                     in rect: Rect, on canvas: inout Canvas) {
        let title = "\(agent.role) · \(scroll.isFollowing ? "follow" : "paused") · Enter to close"
        canvas.box(rect, title: title, role: focused ? .borderFocused : .border, titleRole: .title)
        let inner = rect.inner
        guard !inner.isEmpty else { return }
        let detail = detail?.role == agent.role ? detail : nil
        let top = header(detail, agent, height: inner.height, readKey: readKey)
        for (i, row) in top.enumerated() {
            canvas.text(row.text, x: inner.x, y: inner.y + i, limit: inner.maxX, role: row.role)
        }
        let feedRect = Rect(x: inner.x, y: inner.y + top.count, width: inner.width, height: inner.height - top.count)
        guard !feedRect.isEmpty else { return }
        guard let detail else {
            canvas.text("reading…", x: feedRect.x, y: feedRect.y, limit: feedRect.maxX, role: .dim)
            return
        }
        drawFeed(detail, scroll, in: feedRect, on: &canvas)
        if !scroll.isFollowing { drawHeldNote(detail.feed, scroll, rows: feedRect.height, in: rect, on: &canvas) }
    }

    /// How many rows of the pane at `rect` the feed gets (a page, for PgUp and PgDn).
    static func feedRows(_ detail: AgentDetail?, agent: AgentSnapshot, readKey: String? = nil, in rect: Rect) -> Int {
        let inner = rect.inner
        return max(0, inner.height - header(detail?.role == agent.role ? detail : nil, agent, height: inner.height, readKey: readKey).count)
    }

    /// The rows above the feed: as many as the pane's height affords. A request the agent
    /// waits on is named in one line, with where it is read whole.
    static func header(_ detail: AgentDetail?, _ agent: AgentSnapshot, height: Int, readKey: String? = nil) -> [Row] {
        var rows: [Row] = [(status(agent), .text)]
        if let problem = agent.problem { rows.append(("last run: \(problem)", .attention)) }
        if let request = agent.request {
            rows.append(((readKey.map { "\($0) reads it whole · " } ?? "") + "asks \(request.summary)", .attention))
        }
        guard let detail, height >= 6 else { return rows }
        let files = detail.diffStat.last?.contains(" changed") == true ? Array(detail.diffStat.dropLast()) : detail.diffStat
        let summary = detail.diffStat.last.flatMap { $0.contains(" changed") ? $0.trimmingCharacters(in: .whitespaces) : nil } ?? "none"
        if height >= 16 {
            rows.append(("commits" + (detail.commits.isEmpty ? "  none ahead of main" : ""), .title))
            rows += listed(detail.commits, most: 3)
            rows.append(("changes  \(summary)", .title))
            rows += listed(files, most: 3)
        } else if height >= 9 {
            let latest = detail.commits.first.map { $0 + (detail.commits.count > 1 ? " (+\(detail.commits.count - 1))" : "") }
            rows.append(("commits  \(latest ?? "none ahead of main")", .title))
            rows.append(("changes  \(summary)", .title))
        }
        rows.append((detail.source == .activity ? "activity" : detail.source == .screen ? "screen (o opens it)" : "log", .title))
        return rows
    }

    /// `running · attempt 2 · $0.0123 · 12.3k in · 4.5k out`: cost and tokens for agents
    /// that report them (the cost first, so a narrow pane keeps it).
    static func status(_ agent: AgentSnapshot) -> String {
        var parts = [agent.state.rawValue]
        if agent.attempts > 0 { parts.append("attempt \(agent.attempts)") }
        if agent.costUSD > 0 || agent.tokens.input + agent.tokens.output > 0 {
            parts += [Figures.usd(agent.costUSD), "\(Figures.tokens(agent.tokens.input)) in", "\(Figures.tokens(agent.tokens.output)) out"]
        }
        return parts.joined(separator: " · ")
    }

    private static func listed(_ lines: [String], most: Int) -> [Row] {
        lines.prefix(most).map { ("  " + $0, .text) } + (lines.count > most ? [("  … \(lines.count - most) more", .dim)] : [])
    }

    /// The feed's newest lines while following (the log's unfinished last line too), else
    /// the lines from where the view is held.
    static func drawFeed(_ detail: AgentDetail, _ scroll: FeedScroll, in rect: Rect, on canvas: inout Canvas) {
        let feed = detail.feed
        guard !feed.lines.isEmpty || detail.openLine != nil else {
            canvas.text("(no output yet)", x: rect.x, y: rect.y, limit: rect.maxX, role: .dim)
            return
        }
        var shown: [AgentFeedLine]
        if scroll.isFollowing {
            shown = Array(feed.lines.suffix(rect.height))
            if let open = detail.openLine { shown = Array((shown + [.log(open)]).suffix(rect.height)) }
        } else {
            let first = scroll.firstShown(first: feed.firstNumber, end: feed.endNumber, rows: rect.height)
            shown = Array(feed.lines(first..<(first + rect.height)))
        }
        for (i, line) in shown.enumerated() {
            let y = rect.y + i
            guard case .attempt(let mark) = line else {
                let (text, role) = row(line)
                canvas.text(text, x: rect.x, y: y, limit: rect.maxX, role: role)
                continue
            }
            canvas.text(rule(mark, width: rect.width), x: rect.x, y: y, limit: rect.maxX, role: .title)
        }
    }

    /// `── attempt 2 · implementation · started 14:02 ───`, across the pane; a narrow pane
    /// drops the phase, then the time.
    static func rule(_ mark: AttemptMark, width: Int) -> String {
        let time = " · started \(Figures.clock(mark.startedAt))"
        let labels = [mark.phase.map { "── attempt \(mark.attempt) · \($0)\(time) " }, "── attempt \(mark.attempt)\(time) ", "── attempt \(mark.attempt) "]
        let label = labels.compactMap { $0 }.first { TextWidth.columns(of: $0) + 2 <= width } ?? "── attempt \(mark.attempt) "
        return label + String(repeating: "─", count: max(0, width - TextWidth.columns(of: label)))
    }

    static func row(_ line: AgentFeedLine) -> Row {
        switch line {
        case .log(let text): return (text, .text)
        case .attempt(let mark): return (rule(mark, width: 0), .title)
        case .activity(let item):
            switch item {
            case .text: return (item.oneLine, .text)
            case .thinking: return (item.oneLine, .dim)
            case .toolCall(_, _, let summary): return ("→ " + summary, .messageSender)
            case .toolResult(_, let ok, let first): return ok ? ("  ✓ " + first, .dim) : ("  ✗ " + first, .attention)
            case .error: return (item.oneLine, .attention)
            case .result(let ok, let turns, let cost):
                return ("\(ok ? "done" : "failed") after \(turns) turn\(turns == 1 ? "" : "s") · \(Figures.usd(cost))", ok ? .title : .attention)
            }
        }
    }

    /// While held: what arrived since and how much lies below, in the bottom border.
    static func drawHeldNote(_ feed: FeedBuffer, _ scroll: FeedScroll, rows: Int, in rect: Rect, on canvas: inout Canvas) {
        let first = scroll.firstShown(first: feed.firstNumber, end: feed.endNumber, rows: rows)
        let new = max(0, feed.endNumber - scroll.seenEnd), below = max(0, feed.endNumber - first - rows)
        var parts: [String] = []
        if new > 0 { parts.append("\(new) new line\(new == 1 ? "" : "s")") }
        if below > 0 { parts.append("\(below) below") }
        parts.append("G to follow")
        canvas.text(" " + parts.joined(separator: " · ") + " ", x: rect.x + 2, y: rect.maxY - 1, limit: rect.maxX - 2, role: .attention)
    }
}
