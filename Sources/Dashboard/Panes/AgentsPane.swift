import FactoryEngine
import Foundation

/// One row per role: state, runtime, task progress, branch, dirty count, ahead/behind, last
/// activity, a protocol agent's cost and current step; processes factory did not start are
/// marked external, and an agent that runs outside a sandbox `unconfined`.
enum AgentsPane {
    static func draw(_ snap: Snapshot, _ ui: UIState, focused: Bool, in rect: Rect, on canvas: inout Canvas) {
        canvas.box(rect, title: "agents", role: focused ? .borderFocused : .border, titleRole: .title)
        let inner = rect.inner
        guard !inner.isEmpty else { return }
        for (i, agent) in snap.agents.prefix(inner.height).enumerated() {
            let y = inner.y + i
            let selected = i == ui.selectedAgent
            if selected && focused { canvas.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), role: .selection) }
            let base: ThemeRole = selected && focused ? .selection : .text
            var x = canvas.text(pad(agent.role, 10), x: inner.x, y: y, limit: inner.maxX, role: base)
            x = canvas.text(pad(agent.state.rawValue, 12), x: x, y: y, limit: inner.maxX, role: selected && focused ? .selection : role(agent.state))
            x = canvas.text(pad(runtime(agent, now: snap.time), 7), x: x, y: y, limit: inner.maxX, role: base)
            x = canvas.text(pad("\(agent.tasks.done)/\(agent.tasks.total)", 6), x: x, y: y, limit: inner.maxX, role: base)
            if let wt = agent.worktree {
                let dirty = wt.dirty > 0 ? "±\(wt.dirty)" : "·"
                x = canvas.text(pad(dirty, 5), x: x, y: y, limit: inner.maxX, role: base)
                x = canvas.text(pad("↑\(wt.ahead) ↓\(wt.behind)", 9), x: x, y: y, limit: inner.maxX, role: base)
                x = canvas.text(pad(age(wt.lastActivity, now: snap.time), 9), x: x, y: y, limit: inner.maxX, role: .dim)
                // Every worktree is on agent/<role>: only a surprise is worth the room.
                if let surprise = branchSurprise(agent.role, wt) {
                    x = canvas.text(surprise, x: x, y: y, limit: inner.maxX, role: .attention)
                }
            }
            if agent.sandbox != .on {
                x = canvas.text(" unconfined", x: x, y: y, limit: inner.maxX, role: .attention)
            }
            if !agent.external.isEmpty {
                x = canvas.text(" ext:\(agent.external.count) ", x: x, y: y, limit: inner.maxX, role: .agentExternal)
            }
            // What a protocol agent's run has cost, where the whole figure fits (a narrow
            // pane drops it first).
            if agent.costUSD > 0 || agent.tokens.input + agent.tokens.output > 0,
               let cost = [Figures.usd(agent.costUSD), Figures.usd(agent.costUSD, short: true)].first(where: { x + $0.count <= inner.maxX }) {
                x = canvas.text(cost, x: x, y: y, limit: inner.maxX, role: base)
            }
            // A protocol agent's current step, where the pane has room for it.
            if let step = agent.activity, x + 4 < inner.maxX {
                canvas.text(" " + step, x: x, y: y, limit: inner.maxX, role: agent.request != nil ? .attention : .dim)
            }
        }
    }

    /// The worktree's branch when it is not `agent/<role>` (detached, renamed) or its health
    /// when it is not ok; nil when all is as expected.
    static func branchSurprise(_ role: String, _ wt: WorktreeSummary) -> String? {
        guard wt.health == .ok else { return wt.health.rawValue }
        guard let branch = wt.branch else { return "detached" }
        return branch == "agent/\(role)" ? nil : branch
    }

    static func role(_ state: AgentState) -> ThemeRole {
        switch state {
        case .running: return .agentRunning
        case .stalled: return .agentStalled
        case .exited: return .agentExited
        case .failed, .timedOut: return .agentFailed
        case .killed: return .agentKilled
        case .external: return .agentExternal
        case .notStarted, .idle, .unknown: return .agentIdle
        case .working: return .agentRunning
        case .waitingInput: return .attention
        }
    }

    static func runtime(_ agent: AgentSnapshot, now: Double) -> String {
        guard agent.state.isActive, let started = agent.startedAt else { return "-" }
        return duration(now - started)
    }

    /// How long ago, as coarse as it is old (<1m, 2m, 2h, 3d): an idle dashboard then
    /// redraws an age once a minute or an hour, and a new message redraws no age at all.
    static func age(_ time: Int?, now: Double) -> String {
        guard let time else { return "" }
        let s = max(0, Int(now) - time)
        if s < 60 { return "<1m ago" }
        let (value, unit) = ageUnit(s)
        return "\(s / value)\(unit) ago"
    }

    private static func ageUnit(_ seconds: Int) -> (Int, String) {
        seconds < 60 ? (60, "<1m") : seconds < 3600 ? (60, "m") : seconds < 86400 ? (3600, "h") : (86400, "d")
    }

    /// Seconds until a shown runtime or age changes (nil: nothing on the row moves), so the
    /// dashboard draws a frame then and no sooner.
    static func secondsUntilChange(_ snap: Snapshot) -> Double? {
        if snap.agents.contains(where: { $0.state.isActive }) { return 1 }
        let waits = snap.agents.compactMap { $0.worktree?.lastActivity }.map { time -> Int in
            let s = max(0, Int(snap.time) - time)
            let (value, _) = ageUnit(s)
            return value - s % value
        }
        return waits.min().map(Double.init)
    }

    static func duration(_ seconds: Double) -> String {
        let s = max(0, Int(seconds))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(s % 60)s" }
        return "\(s / 3600)h\(s % 3600 / 60)m"
    }

    static func pad(_ s: String, _ n: Int) -> String {
        let w = Glyphs.width(Glyphs.of(s))
        return w >= n ? s + " " : s + String(repeating: " ", count: n - w)
    }
}
