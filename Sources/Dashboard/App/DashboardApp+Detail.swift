import FactoryEngine

/// The agent detail: its live feed, which follows the selected agent, and its scrolling.
extension DashboardApp {
    func openDetail() {
        state.detailOpen = true
        state.focus = .detail
        updateDetailFeed()
    }

    func closeDetail() {
        state.detailOpen = false
        if state.focus == .detail { state.focus = .agents }
        updateDetailFeed()
    }

    /// While the detail is open, a feed reads the selected agent's log or activity off this
    /// queue and hears of every change to it; another agent selected gets a feed of its own,
    /// followed from its newest line.
    func updateDetailFeed() {
        lookingAt(state.detailOpen && snapshot.agents.indices.contains(state.selectedAgent) ? snapshot.agents[state.selectedAgent].role : nil)
        guard state.detailOpen, snapshot.agents.indices.contains(state.selectedAgent) else {
            detailFeed?.stop()
            detailFeed = nil
            detail = nil
            return
        }
        let agent = snapshot.agents[state.selectedAgent]
        if let feed = detailFeed, feed.role == agent.role { return feed.agentChanged(agent) }
        detailFeed?.stop()
        detail = nil
        state.detailScroll = FeedScroll()
        detailFeed = AgentDetailFeed(engine: engine, agent: agent) { [weak self] fresh in
            guard let self else { return }
            self.ui.async {
                guard self.state.detailOpen, self.detailFeed?.role == fresh.role else { return }
                self.detail = fresh
                self.requestFrame()
            }
        }
    }

    /// Rows of feed the detail shows at the terminal's size.
    var detailRows: Int {
        guard let screen, snapshot.agents.indices.contains(state.selectedAgent) else { return 1 }
        let layout = Layout.make(width: Int(screen.width), height: Int(screen.height), focus: state.focus)
        return max(1, DetailPane.feedRows(detail, agent: snapshot.agents[state.selectedAgent], readKey: keymap.label(of: .request), in: layout.tasks))
    }

    /// PgUp and PgDn: as many rows as the focused pane shows.
    var pageSize: Int {
        guard let screen else { return 10 }
        let layout = Layout.make(width: Int(screen.width), height: Int(screen.height), focus: state.focus)
        switch state.focus {
        case .agents: return max(1, layout.agents.inner.height)
        case .tasks: return max(1, layout.tasks.inner.height)
        case .messages: return max(1, layout.messages.inner.height)
        case .detail: return detailRows
        }
    }

    func scrollDetail(by lines: Int) {
        guard let feed = detail?.feed else { return }
        state.detailScroll.scroll(by: lines, first: feed.firstNumber, end: feed.endNumber, rows: detailRows)
    }

    /// `f` in the detail: hold the view where it is, or follow again.
    func toggleDetailFollowing() {
        guard let feed = detail?.feed else { return }
        state.detailScroll.toggle(first: feed.firstNumber, end: feed.endNumber, rows: detailRows)
    }
}
