import FactoryEngine
import Foundation

/// Notifications by exception: the bell and a desktop notification on this dashboard's
/// terminal, and the notify command while it drives, when an item enters the attention queue.
extension DashboardApp {
    /// Starts the notifier before the engine drives, so it sees the queue from the first snapshot.
    func startAlerts() {
        let wanted = options.bell || options.desktop != .off || !(options.notifyCommand ?? []).isEmpty
        guard wanted else { return }
        let notifier = Notifier(paths: engine.paths, command: options.notifyCommand)
        let inTmux = !(ProcessInfo.processInfo.environment["TMUX"] ?? "").isEmpty
        notifier.onAlert { [weak self] event in
            guard let self else { return }
            let sequence = DesktopNotice.bytes(for: event, style: self.options.desktop, inTmux: inTmux)
            self.ui.async { self.screen?.alert(bell: self.options.bell, sequence: sequence) }
        }
        notifier.watch(engine)
        self.notifier = notifier
    }

    /// The agent whose detail is open, or whose session is attached: nothing about it alerts
    /// while the human looks at it.
    func lookingAt(_ role: String?) {
        guard role != lookedAt else { return }
        lookedAt = role
        notifier?.look(at: role)
    }
}
