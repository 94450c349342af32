import Foundation

/// The agents in terminal sessions, read on one beat for all of them (`SessionMonitor`):
/// no per-agent timer, no tmux process per agent per beat. The beat runs on a queue of its
/// own (tmux answers in milliseconds, the engine's queue never waits for it) and only while
/// some agent runs in a session.
extension Engine {
    /// Starts the beat when an agent runs in a session and none is scheduled.
    func watchSessions() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !stopped, !sessionBeatScheduled, !watchedSessions.isEmpty else { return }
        sessionBeatScheduled = true
        scheduleSessionBeat(after: 0)
    }

    /// The roles whose agents run in a session now.
    var watchedSessions: Set<String> {
        Set(pool.runs.values.filter { $0.state.isActive && $0.session != nil }.map(\.role)).union(options.extraSessions)
    }

    private func scheduleSessionBeat(after seconds: Double) {
        sessionQueue.asyncAfter(deadline: .now() + seconds) { [weak self] in
            guard let self else { return }
            let watched = self.queue.sync { self.stopped ? [] : self.watchedSessions }
            guard !watched.isEmpty else {
                self.queue.async { self.sessionBeatScheduled = false }
                return
            }
            let now = wallNow()
            let reading = self.sessionMonitor.read(watching: watched, now: now)
            let next = self.sessionMonitor.beat(now: now)
            self.queue.async { self.sessionsRead(reading) }
            self.scheduleSessionBeat(after: next)
        }
    }

    /// What the sessions showed. Each agent's screen, new or the same as before (a pane
    /// that did not move still shows it: still fresh), is read by its CLI's screen rules into
    /// its state and, at a prompt, a request the human answers with y or n; its current step
    /// is what it asks, else its last line on screen.
    func sessionsRead(_ reading: SessionMonitor.Reading) {
        dispatchPrecondition(condition: .onQueue(queue))
        var changed = false, urgent = false
        let listed = Set(reading.panes.map(\.session))
        for (role, run) in pool.runs where run.state.isActive && run.session != nil && listed.contains(role) {
            var seen = sessionScreens[role] ?? SessionScreen()
            refreshRules(role, &seen)
            guard let screen = reading.screens[role] ?? seen.screen else { continue }
            let version = seen.version
            let update = seen.read(screen, now: reading.time)
            if seen.version != version { changed = true }
            sessionScreens[role] = seen
            let run = paths.run(role)
            if let changed = update.changed { try? run.write(changed, run.screenSignal) }
            // No rules read this screen: no old reading may speak for it in `factory explain`.
            if seen.reader == nil { unlink(run.screenSignal) }
            // The agent's own hooks first; the screen where they say nothing (fresh).
            let hooks = AgentSignals.readings(of: run).first { $0.source == HookSignals.source }?.state.map(AgentState.init(activity:))
            let before = pool.run(role)
            var after = before
            if let state = hooks ?? update.state, before.state != .stalled { after.state = state }
            seen.waitingUnansweredSince = after.state == .waitingInput && update.request == nil && seen.prompt == nil
                ? (seen.waitingUnansweredSince ?? reading.time) : nil
            sessionScreens[role] = seen
            // Not at once: a hook says "waiting" a moment before the prompt is drawn, and
            // still says it a moment after factory answered.
            let waits = seen.waitingUnansweredSince.map { reading.time - $0 >= Self.unansweredGrace } == true
                && reading.time - seen.answeredAt >= Self.unansweredGrace
            after.waitsInTerminal = waits ? true : nil
            after.step = update.step
            after.request = update.request ?? (before.request?.tool == SessionScreen.tool ? nil : before.request)
            if after != before {
                pool.records[role] = after
                changed = true
                if after.request != before.request || after.state != before.state || after.waitsInTerminal != before.waitsInTerminal { urgent = true }
                if let request = after.request, request != before.request {
                    event(.permissionRequest, role: role, "\(role) asks on its screen: \(request.summary)", request: EngineEvent.Request(request, whole: true))
                }
            }
        }
        if urgent { save() }
        if changed { streamChanged(urgent: urgent) }
    }

    /// A prompt on a session agent's screen, answered with the keys its screen rules name for
    /// allow and deny — not sooner than the rules' `after_ms` since it showed (a CLI drops
    /// keys pressed the moment its prompt appears); a denial's reason is typed after, where
    /// the CLI then asks what to do instead. Exactly once: the prompt is marked answered.
    func answerOnScreen(_ role: String, _ request: PermissionRequest, _ answer: Answer) throws(EngineError) -> String {
        dispatchPrecondition(condition: .onQueue(queue))
        guard var seen = sessionScreens[role], let prompt = seen.prompt, prompt.id == request.requestID else {
            throw EngineError("\(role)'s prompt is no longer on its screen")
        }
        let keys: [String], reason: String?
        switch answer {
        case .allow: (keys, reason) = (prompt.keys.allow, nil)
        case .allowAlways:
            throw EngineError("\(role) asks on its screen: always is not kept for a screen prompt (the role's lists do not answer screens); y allows it once")
        case .deny(let why): (keys, reason) = (prompt.keys.deny, why.flatMap { $0.isEmpty ? nil : $0 })
        case .questions: throw EngineError("\(role) asks on its screen: answer it with y or n, or in its session (o)")
        }
        guard !keys.isEmpty else { throw EngineError("\(role)'s screen rules name no key for that answer; answer it in its session (o)") }
        seen.answered.insert(prompt.id)
        seen.answeredAt = wallNow()
        sessionScreens[role] = seen
        pool.answered(role)
        let wait = max(0, prompt.since + prompt.keys.after - wallNow())
        let terminals = self.terminals
        sessionQueue.asyncAfter(deadline: .now() + wait) {
            try? terminals.keys(role, keys)
            if let reason { try? terminals.send(role, text: reason) }
        }
        let verb = keys == prompt.keys.allow ? "allowed" : "denied"
        event(.permissionAnswer, role: role, "the human \(verb) \(request.summary) (keys \(keys.joined(separator: " ")) on its screen)",
              request: EngineEvent.Request(request, whole: false))
        publish()
        return "\(verb) \(role): \(request.summary)"
    }

    /// Seconds a session agent waits with no answerable prompt before it is an attention item.
    static let unansweredGrace = 2.0

    /// The screen rules of the CLI a role runs (its command's program: claude, aider, codex),
    /// loaded again when the user's file for it changes. A file that does not load is said
    /// (an attention item naming its line) and reads nothing; a CLI with no rules reads nothing.
    func refreshRules(_ role: String, _ seen: inout SessionScreen) {
        guard let program = roles[role]?.command.first?.split(separator: "/").last.map(String.init) else { return }
        let user = UserConfig.directory("screens").map { "\($0)/\(program).yaml" }
        let stamp = user.flatMap { path in
            (try? FileManager.default.attributesOfItem(atPath: path)).map { "\(path)@\(($0[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)@\(($0[.size] as? Int) ?? 0)" }
        } ?? "built-in"
        guard stamp != seen.rulesStamp else { return }
        var fresh = SessionScreen(stamp: stamp)
        fresh.version = seen.version
        fresh.screen = seen.screen
        do throws(ScreenRulesError) {
            fresh.reader = ScreenReader(rules: try ScreenRules.load(program))
            screenRuleProblems[role] = nil
        } catch {
            let builtIn = ScreenRules.bundledNames.contains(program)
            screenRuleProblems[role] = builtIn || user.map(FileManager.default.fileExists(atPath:)) == true ? error.description : nil
        }
        seen = fresh
    }

    /// A session agent that waits for its human with no prompt its rules can answer: the
    /// attention item sends the human to its terminal (decided by the engine that reads the
    /// session, and kept in state.json for every reader).
    func sessionWaits(_ agent: AgentSnapshot) -> Attention? {
        guard agent.state == .waitingInput, agent.request == nil, agent.session != nil, pool.run(agent.role).waitsInTerminal == true else { return nil }
        return Attention(kind: .request, role: agent.role, message: "\(agent.role) waits for you in its terminal: o opens it (factory attach \(agent.role))",
                         about: "session")
    }

    /// The lowest line with something on it, trimmed: what a glance at the screen reads.
    static func lastLine(of screen: String) -> String? {
        screen.split(separator: "\n").reversed().map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }.map { String($0.prefix(200)) }
    }
}
