import Dispatch
import FactoryEngine
import Foundation

/// Fails with a one-line reason when this terminal cannot show the dashboard.
public func checkTerminal() throws(DashboardError) { try Screen.preflight() }

/// Options of the dashboard.
public struct DashboardOptions: Sendable {
    public var theme = ThemeLoader.defaultName
    /// The terminal bell when an item enters the attention queue.
    public var bell = false
    /// A desktop notification through the terminal when an item enters the queue.
    public var desktop = DesktopNotification.off
    /// Run for each new item while this dashboard drives (argv; the event as JSON on stdin).
    public var notifyCommand: [String]?
    /// Clicks focus a pane and select a row, the wheel scrolls (`--no-mouse`: off).
    public var mouse = true
    public var noColor = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false
    public var keymapText: String?
    /// Runs after the terminal is given back, before exit (the demo removes its repository).
    public var onQuit: (@Sendable () -> Void)?
    public init() {}
}

/// The dashboard: engine snapshots in, frames out, keys back to the engine as commands.
///
/// One queue (`ui`) owns the screen and the UI state; the engine publishes snapshots to it.
/// Redraws are coalesced: a change marks the frame dirty and at most ~30 frames a second are
/// drawn — a change after a quiet moment is drawn at once, a burst waits for the next frame.
public final class DashboardApp: @unchecked Sendable {
    let engine: Engine
    let options: DashboardOptions
    let ui = DispatchQueue(label: "factory.ui")
    var screen: Screen?
    var state = UIState()
    var snapshot: Snapshot
    var theme: Theme
    /// The notice on screen, for its expiry.
    var shownNotice: String?
    /// The name the theme was loaded by (`solarized-dark`), which `t` steps on from: a
    /// theme's own `name =` is for people (`Solarized Dark`) and names no file.
    var themeName = ThemeLoader.defaultName
    var keymap: Keymap
    var detail: AgentDetail?
    /// The open detail's live source (nil while the detail is closed).
    var detailFeed: AgentDetailFeed?
    /// What the plan view shows, read off this queue (nil until read, or while closed).
    var planReading: PlanReading?
    /// What the diff view shows, read off this queue.
    var agentDiff: AgentDiff?
    /// The request view's rows, laid out once per request and width.
    var requestLayout: RequestLayout?
    var frameScheduled = false
    var lastFrame = 0.0
    /// Alerts when an item enters the attention queue (nil when none is asked for).
    var notifier: Notifier?
    /// The agent the notifier was last told the human looks at.
    var lookedAt: String?
    var sources: [DispatchSourceProtocol] = []
    var savedStandardError: Int32 = -1
    var ticking = false
    var emptyReads = 0
    var pasteReader = PasteReader()
    var burstRule = BurstRule()
    /// Reads that brought keys, counted so a paste left open can be ended after a quiet second.
    var reads = 0
    static let frameInterval = 1.0 / 30
    /// Frames drawn, for `crashInFrame`.
    var frames = 0
    /// `FACTORY_TEST_CRASH_IN_DRAW=N` traps inside the Nth frame: the tests' way to check that
    /// a bug in a draw still gives the terminal back (no outside input can cause one).
    static let crashInFrame = ProcessInfo.processInfo.environment["FACTORY_TEST_CRASH_IN_DRAW"].flatMap { Int($0) }

    public init(engine: Engine, options: DashboardOptions) throws(DashboardError) {
        self.engine = engine
        self.options = options
        do { theme = try ThemeLoader.load(options.theme, userDirectory: ThemeLoader.defaultUserDirectory()) } catch { throw DashboardError(error.description) }
        themeName = options.theme
        do { keymap = try Keymap(overrides: options.keymapText) } catch { throw DashboardError(error.description) }
        snapshot = engine.snapshot(refreshing: false)
        // Said once, at the start: agents that will run unconfined, and how to fix it.
        let notices = [keymap.warning, snapshot.sandboxWarning].compactMap { $0 }
        state.notice = notices.isEmpty ? nil : notices.joined(separator: "; ")
    }

    /// Takes over the terminal until `q` or a signal; never returns.
    public func run(drive: Bool) throws(DashboardError) -> Never {
        // The terminal's modes as the user had them, before curses changes anything.
        CrashGuard.install()
        let jobControl = JobControl.install()
        let screen: Screen
        do { screen = try Screen(noColor: options.noColor, mouse: options.mouse) } catch {
            CrashGuard.disarm()
            throw error
        }
        self.screen = screen
        redirectStandardError()
        watchSignals()
        if let jobControl { watchJobControl(jobControl) }
        startAlerts()
        watchKeyboard()
        engine.subscribe { [weak self] snap in
            guard let self else { return }
            self.ui.async { self.received(snap) }
        }
        if drive { engine.drive() }
        if !engine.options.driving {
            engine.takeOverWhenFree { [weak self] text in
                guard let self else { return }
                self.ui.async {
                    self.state.notice = text
                    self.requestFrame()
                }
            }
        }
        ui.async { self.draw() }
        dispatchMain()
    }

    // MARK: frames

    func received(_ snap: Snapshot) {
        // Nothing new on screen (the time only moves the runtimes, redrawn on the next
        // change): no frame at all.
        var same = snap
        same.time = snapshot.time
        if same == snapshot { return }
        // Something new needs the human (an agent asking, say): drawn now, not at the next
        // frame slot. Attention changes are rare, so this never floods the terminal.
        let urgent = snap.attention != snapshot.attention
        let previous = snapshot
        state.keepPlaces(from: snapshot, to: snap)
        snapshot = snap
        clampSelection()
        updateDetailFeed()
        refreshView(after: previous)
        if urgent { drawNow() } else { requestFrame() }
    }

    func requestFrame() {
        guard !frameScheduled else { return }
        frameScheduled = true
        let wait = max(0, lastFrame + Self.frameInterval - monotonic())
        if wait == 0 { ui.async { self.draw() } } else { ui.asyncAfter(deadline: .now() + wait) { self.draw() } }
    }

    /// A frame at once, whatever the rate limit; a frame already scheduled still comes, and
    /// writes only what changed since (usually nothing).
    func drawNow() {
        let scheduled = frameScheduled
        draw()
        frameScheduled = scheduled
    }

    func draw() {
        frameScheduled = false
        guard let screen else { return }
        lastFrame = monotonic()
        keepRequestLayout()
        let canvas = Frame.render(snapshot, state, detail: detail, plan: planReading, diff: agentDiff, request: requestLayout, keymap: keymap,
                                  width: Int(screen.width), height: Int(screen.height))
        frames += 1
        if frames == Self.crashInFrame { fatalError("FACTORY_TEST_CRASH_IN_DRAW: a trap inside frame \(frames)") }
        screen.present(canvas, theme: theme)
        tickWhileAgentsRun()
        expireNotice()
    }

    /// A notice is feedback on what was just done: it goes after a while, so an old one is
    /// never read as news ("plan approved" long after the veto).
    private func expireNotice() {
        guard let notice = state.notice, notice != shownNotice else { return }
        shownNotice = notice
        ui.asyncAfter(deadline: .now() + Self.noticeLife) { [weak self] in
            guard let self, self.state.notice == notice else { return }
            self.state.notice = nil
            self.shownNotice = nil
            self.requestFrame()
        }
    }

    static let noticeLife = 12.0

    /// Runtimes move once a second while an agent runs; ages of last activity keep moving
    /// after, at their own pace (a minute, an hour). With nothing to age there is no timer.
    private func tickWhileAgentsRun() {
        guard !ticking, let wait = AgentsPane.secondsUntilChange(snapshot) else { return }
        ticking = true
        ui.asyncAfter(deadline: .now() + wait) { [self] in
            ticking = false
            var ts = timespec()
            clock_gettime(CLOCK_REALTIME, &ts)
            snapshot.time = Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
            requestFrame()
        }
    }

    // MARK: input and signals

    private func watchKeyboard() {
        let source = DispatchSource.makeReadSource(fileDescriptor: 0, queue: ui)
        source.setEventHandler { [weak self] in
            guard let self, let screen = self.screen else { return }
            let keys = screen.readKeys()
            self.take(keys)
            // A terminal that went away leaves stdin readable at end of file forever:
            // quit rather than spin.
            var waiting: Int32 = 0
            if keys.isEmpty, ioctl(0, UInt(FIONREAD), &waiting) == 0, waiting == 0 {
                self.emptyReads += 1
                if self.emptyReads > 20 { self.quit(status: 0) }
            } else {
                self.emptyReads = 0
            }
        }
        source.resume()
        sources.append(source)
    }

    private func watchSignals() {
        signal(SIGWINCH, SIG_IGN)
        let winch = DispatchSource.makeSignalSource(signal: SIGWINCH, queue: ui)
        winch.setEventHandler { [weak self] in
            self?.screen?.resize()
            self?.draw()
        }
        winch.resume()
        sources.append(winch)
        // SIGQUIT (Ctrl-\\) too: left to the runtime, it prints a backtrace and takes the
        // crash handlers with it, so a later crash would leave the terminal raw.
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: ui)
            source.setEventHandler { [weak self] in self?.quit(status: sig == SIGINT ? 130 : 128 + sig) }
            source.resume()
            sources.append(source)
        }
    }

    /// Ctrl-Z (or SIGTSTP from kill): the shell gets its terminal back as it was, and the
    /// process stops. On `fg` — or any SIGCONT, after a SIGSTOP that gave no chance to give
    /// the terminal back — every cell is drawn again at the terminal's size then (the shell
    /// drew over the screen, and the size may have changed meanwhile).
    private func watchJobControl(_ fd: Int32) {
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: ui)
        source.setEventHandler { [weak self] in
            guard let self, let screen = self.screen else { return }
            let seen = JobControl.drain(fd)
            if seen.stop {
                screen.suspended { JobControl.stopHere() }
            } else if seen.resume {
                screen.resumed()
            }
            self.draw()
        }
        source.resume()
        sources.append(source)
    }

    /// While the screen is up, stderr goes to `.agent-comms/logs/dashboard.log`: a message
    /// written there would land on the screen, and a crash report would be lost on the
    /// alternate screen.
    private func redirectStandardError() {
        let log = open("\(engine.paths.logs)/dashboard.log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard log >= 0 else { return }
        savedStandardError = dup(2)
        dup2(log, 2)
        close(log)
    }

    /// Gives the terminal back; agents keep running and a later `factory` re-adopts them.
    func quit(status: Int32 = 0) -> Never {
        screen?.close()
        if savedStandardError >= 0 { dup2(savedStandardError, 2) }
        CrashGuard.disarm()
        engine.shutdown()
        options.onQuit?()
        exit(status)
    }

    func monotonic() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
