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

    /// What the sessions showed: each agent's last line on screen is its current step.
    func sessionsRead(_ reading: SessionMonitor.Reading) {
        dispatchPrecondition(condition: .onQueue(queue))
        var changed = false
        for (role, screen) in reading.screens where pool.run(role).state.isActive {
            let step = Self.lastLine(of: screen)
            if pool.records[role]?.step != step {
                pool.records[role]?.step = step
                changed = true
            }
        }
        if changed { streamChanged(urgent: false) }
    }

    /// The lowest line with something on it, trimmed: what a glance at the screen reads.
    static func lastLine(of screen: String) -> String? {
        screen.split(separator: "\n").reversed().map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }.map { String($0.prefix(200)) }
    }
}
