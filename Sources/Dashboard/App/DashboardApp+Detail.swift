import FactoryEngine
import Foundation

/// The detail view's data: read off the UI queue, and the selected agent's log followed
/// while the view is open, so what an agent prints shows as it prints it — not only when
/// something else changes the snapshot.
extension DashboardApp {
    /// Reads the selected agent's detail (commits, diff stat, log) and follows its log.
    func loadDetail() {
        let role = selectedRole, engine = self.engine
        followLog(of: role)
        DispatchQueue.global().async { [weak self] in
            let d = engine.detail(role: role)
            guard let self else { return }
            self.ui.async {
                self.detail = d
                self.requestFrame()
            }
        }
    }

    /// Watches `.agent-comms/logs/ROLE.log` (inotify on the folder, only that name, bursts
    /// coalesced); each change reloads the log's tail, not the git parts.
    private func followLog(of role: String) {
        let name = "\(role).log"
        guard followedLog != name else { return }
        logWatcher?.stop()
        let logs = engine.paths.logs
        try? FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        followedLog = name
        logWatcher = FileWatcher(directories: [logs], only: [logs: [name]], queue: ui, delay: 0.05) { [weak self] _ in
            self?.reloadLogTail(of: role)
        }
    }

    /// The view closed: its log is no longer followed.
    func closeDetail() {
        detail = nil
        logWatcher?.stop()
        logWatcher = nil
        followedLog = nil
    }

    private func reloadLogTail(of role: String) {
        guard state.detailOpen else { return closeDetail() }
        let engine = self.engine
        DispatchQueue.global().async { [weak self] in
            let tail = engine.logTail(role: role)
            guard let self else { return }
            self.ui.async {
                guard self.state.detailOpen, self.detail?.role == role, self.detail?.logTail != tail else { return }
                self.detail?.logTail = tail
                self.requestFrame()
            }
        }
    }
}
