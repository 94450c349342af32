import FactoryEngine
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension DashboardApp {
    /// `o`: the agent's terminal session takes the terminal until the user detaches; then
    /// the dashboard is back as it was (selection, scroll, filters are untouched state).
    /// The UI queue waits meanwhile: no key is read from under tmux, and snapshots that
    /// arrive are drawn on return.
    func attach(_ role: String) {
        let sessions = TerminalSessions(root: engine.paths.root)
        guard let screen else { return }
        if let problem = engine.sessionProblem(role) {
            state.notice = problem
            return requestFrame()
        }
        var status: Int32 = 0
        let before = lookedAt
        lookingAt(role)
        defer { lookingAt(before) }
        screen.suspended {
            do {
                let pid = try spawnProcess(sessions.attachArgv(role), stdin: 0, stdout: 1, stderr: 2, defaultSignals: true)
                status = waitForExit(pid)
            } catch {
                status = -1
            }
        }
        state.notice = status == 0 ? "back from \(role)'s session" : "could not open \(role)'s session (tmux exit \(status))"
        draw()
    }
}
