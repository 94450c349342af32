import FactoryEngine
import Foundation

/// The plan, diff and request views: what the first two show is read off the UI queue (the
/// plan from the engine's parsed PLAN.md, the diff from git) and read again when it may have
/// changed; the request is the snapshot's, laid out once per request and width.
extension DashboardApp {
    func openView(_ view: FullView) {
        state.view = view
        state.viewTop = 0
        state.showHelp = false
        planReading = nil
        agentDiff = nil
        requestLayout = nil
        loadView()
    }

    func closeView() {
        state.view = nil
        state.showHelp = false
        planReading = nil
        agentDiff = nil
        requestLayout = nil
    }

    /// `v`: the request the answer keys answer (the selected agent's, else the first asking).
    func openRequestView() {
        guard let role = askingRole else {
            state.notice = "no agent is asking anything"
            return
        }
        openView(.request(role: role))
    }

    /// The request view's layout for the screen's width now, kept while it stays the same.
    func keepRequestLayout() {
        guard let role = state.requestRole else { return }
        requestLayout = RequestPane.layout(snapshot, role: role, width: viewBody.inner.width, keeping: requestLayout)
    }

    /// Reads what the open view shows; the answer is dropped if the view changed meanwhile.
    func loadView() {
        guard let view = state.view, state.requestRole == nil else { return }
        let engine = self.engine
        DispatchQueue.global().async { [weak self] in
            let plan: PlanReading?, diff: AgentDiff?
            switch view {
            case .plan: (plan, diff) = (engine.planReading(), nil)
            case .diff(let role): (plan, diff) = (nil, engine.diff(of: role))
            case .request: (plan, diff) = (nil, nil)
            }
            guard let self else { return }
            self.ui.async {
                guard self.state.view == view else { return }
                if let plan { self.planReading = plan }
                if let diff { self.agentDiff = diff }
                self.requestFrame()
            }
        }
    }

    /// PLAN.md changed under the plan view, or the agent's branch moved under its diff. The
    /// request under its view was answered or withdrawn: the view closes; another came in
    /// its place: it is shown from its top, and said, so an answer meant for the first is
    /// not given to it unread.
    func refreshView(after previous: Snapshot) {
        switch state.view {
        case .plan? where previous.plan != snapshot.plan || previous.phase != snapshot.phase: loadView()
        case .diff(let role)? where head(of: role, in: previous) != head(of: role, in: snapshot): loadView()
        case .request(let role)?:
            let was = RequestPane.request(previous, role)?.requestID, now = RequestPane.request(snapshot, role)?.requestID
            guard was != now else { break }
            if now == nil {
                closeView()
                if state.notice == nil { state.notice = "\(role)'s request is no longer waiting (answered, or withdrawn)" }
            } else {
                state.viewTop = 0
                state.notice = "\(role) asks something new: read it before you answer"
            }
        default: break
        }
    }

    private func head(of role: String, in snap: Snapshot) -> String? {
        snap.agents.first { $0.role == role }?.worktree?.head
    }

    /// Keys while a view is open: moving scrolls it, Esc and q close it, `p`, `d` and `v`
    /// switch or close; in the request view the answer keys answer the request it shows; the
    /// keys that act on the work (`a`, `r`, `m`, …) act as anywhere. Returns whether the key
    /// was taken here.
    func performInView(_ action: KeyAction) -> Bool {
        let (count, rows, files) = viewMetrics
        switch action {
        case .up: scrollView(by: -1, count: count, rows: rows)
        case .down: scrollView(by: 1, count: count, rows: rows)
        case .pageUp: scrollView(by: -max(1, rows - 1), count: count, rows: rows)
        case .pageDown: scrollView(by: max(1, rows - 1), count: count, rows: rows)
        case .top: state.viewTop = 0
        case .bottom: state.viewTop = max(0, count - rows)
        case .nextFile, .previousFile:
            let top = FullViewPane.clampedTop(state.viewTop, count: count, rows: rows)
            // Before the first file: the list of files, at the top.
            let next = action == .nextFile ? files.first { $0 > top } : files.last { $0 < top } ?? 0
            if let next { state.viewTop = FullViewPane.clampedTop(next, count: count, rows: rows) }
        case .cancel, .quit: closeView()
        case .plan: state.view == .plan ? closeView() : openView(.plan)
        case .diff:
            if case .diff? = state.view { closeView() } else { openView(.diff(role: selectedRole)) }
        case .request: state.requestRole != nil ? closeView() : openRequestView()
        case .allow, .allowAlways, .deny:
            guard let role = state.requestRole else { return false }
            answerRequest(action, role: role)
        case .focusNext, .focusPrevious, .follow, .search, .filter, .detail: break
        default: return false
        }
        return true
    }

    private func scrollView(by delta: Int, count: Int, rows: Int) {
        state.viewTop = FullViewPane.clampedTop(FullViewPane.clampedTop(state.viewTop, count: count, rows: rows) + delta, count: count, rows: rows)
    }

    /// Where a full view is drawn.
    var viewBody: Rect {
        guard let screen else { return Rect(x: 0, y: 0, width: 0, height: 0) }
        return Layout.make(width: Int(screen.width), height: Int(screen.height), focus: state.focus).body
    }

    /// The open view's rows in all, rows on screen, and the rows where files begin.
    var viewMetrics: (count: Int, rows: Int, files: [Int]) {
        guard screen != nil else { return (0, 1, []) }
        let body = viewBody.inner
        switch state.view {
        case .plan?: return (PlanPane.rows(planReading, feature: snapshot.feature, width: body.width).count, max(1, body.height), [])
        case .diff(let role)?:
            let diff = agentDiff?.role == role ? agentDiff : nil
            return (DiffPane.count(diff), max(1, body.height), DiffPane.fileRows(diff))
        case .request(let role)?:
            keepRequestLayout()
            return (RequestPane.count(snapshot, role: role, layout: requestLayout, keymap: keymap), max(1, body.height), [])
        case nil: return (0, 1, [])
        }
    }
}
