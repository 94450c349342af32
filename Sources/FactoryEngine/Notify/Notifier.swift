import Dispatch
import Foundation
import InertText

/// Notifications by exception: when an item enters the attention queue, the notify command
/// runs and this process's listeners (a dashboard's bell and desktop notifications) hear of it.
///
/// It lives in the process that runs the engine — a dashboard or `run --headless` — and reads
/// its snapshots on its own queue, so it never holds up the engine. Only while that engine
/// drives does the command run: a factory has one driving process however many dashboards
/// watch it, so the command runs once per item. What it alerted to is kept in
/// `.agent-comms/notified.json`, so a restarted or taking-over driver does not alert again.
public final class Notifier: @unchecked Sendable {
    public let paths: WorkspacePaths
    public let hook: NotifyHook?
    private let queue = DispatchQueue(label: "factory.notifier")

    // Below: confined to `queue`.
    private var alerts = AttentionAlerts()
    /// Whether the engine drove at the last snapshot; nil before the first.
    private var driving: Bool?
    private var lastQueue: [Attention] = []
    private var lookingAt: String?
    private var listeners: [@Sendable (NotifyEvent) -> Void] = []
    private var reportFailure: (@Sendable (String) -> Void)?
    private var failureReported = false

    public init(paths: WorkspacePaths, command: [String]?) {
        self.paths = paths
        hook = command.flatMap { $0.isEmpty ? nil : NotifyHook(argv: $0, directory: paths.root, log: "\(paths.logs)/notify.log") }
    }

    /// Hears `engine`'s snapshots. Call it before the engine drives, so its first queue is seen.
    public func watch(_ engine: Engine) {
        queue.sync { reportFailure = { [weak engine] in engine?.note(.notifyFailed, $0) } }
        engine.subscribe { [weak self] snapshot in
            guard let self else { return }
            self.queue.async { self.observe(snapshot) }
        }
    }

    /// `handler` hears every alert of this process, driving or watching, on the notifier's queue.
    public func onAlert(_ handler: @escaping @Sendable (NotifyEvent) -> Void) {
        queue.async { self.listeners.append(handler) }
    }

    /// The agent the human is looking at, nil for none: its items do not alert. The dashboard
    /// says so while its detail view of an agent is open; attaching a terminal to an agent
    /// should say so too. Only the process that drives runs the command, so a watching
    /// dashboard's focus keeps its own bell quiet but not the driver's command.
    public func look(at role: String?) {
        queue.async { self.lookingAt = role }
    }

    /// Waits until the snapshots and alerts handed over so far are dealt with (tests).
    public func settle() {
        queue.sync {}
        hook?.settle()
    }

    private func observe(_ snapshot: Snapshot) {
        guard snapshot.attention != lastQueue || snapshot.driving != driving else { return }
        lastQueue = snapshot.attention
        if driving == nil && !snapshot.driving {
            // A watcher opening: what is already there is not news to it.
            alerts = AttentionAlerts(known: Set(snapshot.attention.map(\.id)))
        } else if snapshot.driving && driving != true {
            // Driving from now on: what the process that drove before alerted to is not news.
            alerts = AttentionAlerts(known: alerts.known.union(Self.read(paths.notified)))
        }
        driving = snapshot.driving
        let before = alerts.known
        let fresh = alerts.fresh(in: snapshot.attention, lookingAt: lookingAt)
        if snapshot.driving && alerts.known != before { Self.write(alerts.known, to: paths.notified) }
        for item in fresh {
            let event = NotifyEvent(item, in: snapshot, root: paths.root)
            if snapshot.driving { hook?.run(event) { [weak self] failure in self?.failed(failure) } }
            for listener in listeners { listener(event) }
        }
    }

    /// A failing command is said once, as an event; every failure is in logs/notify.log.
    private func failed(_ failure: String?) {
        guard let failure else { return }
        queue.async { [self] in
            guard !failureReported else { return }
            failureReported = true
            reportFailure?("\(failure) (its output is in .agent-comms/logs/notify.log; factory says this once)")
        }
    }

    static func read(_ path: String) -> Set<String> {
        guard let data = FileManager.default.contents(atPath: path),
              let ids = try? JSONDecoder().decode([String].self, from: data) else { return [] }
        return Set(ids)
    }

    static func write(_ ids: Set<String>, to path: String) {
        guard let data = try? Inert.json(ids.sorted()) else { return }
        try? data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
