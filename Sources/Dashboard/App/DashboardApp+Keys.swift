import FactoryEngine
import Foundation

extension DashboardApp {
    /// One read's keys: a paste is text, and a burst takes no key that changes the work.
    func take(_ keys: [Key]) {
        // curses queues KEY_RESIZE after each resizeterm; the SIGWINCH handler has already
        // resized and drawn, and a resize is nobody's typing: it must not make the next key
        // look like part of a burst.
        let keys = keys.filter { $0 != .code(Keymap.keyResize) }
        guard !keys.isEmpty else { return }
        reads += 1
        let burst = burstRule.isBurst(keys: keys.count, at: monotonic())
        for input in pasteReader.read(keys) { take(input, inBurst: burst) }
        if pasteReader.isPasting { finishPasteWhenQuiet() }
        // What a person pressed shows at once, not at the next frame slot: under streaming
        // agents the slots are taken, and a key would wait up to a frame (33 ms) behind them.
        // One frame per read, so a held key or a paste costs no more than the rate limit.
        if frameScheduled { drawNow() }
    }

    func take(_ input: Input, inBurst burst: Bool) {
        switch input {
        case .paste(let text): paste(text)
        case .key(let key): handle(key, inBurst: burst)
        }
    }

    /// A paste whose end marker has not come after a second with no input is ended there.
    private func finishPasteWhenQuiet() {
        let mark = reads
        ui.asyncAfter(deadline: .now() + 1) { [weak self] in
            guard let self, self.reads == mark else { return }
            for input in self.pasteReader.finish() { self.take(input, inBurst: true) }
        }
    }

    /// Pasted text goes into the open prompt; the main view takes keys, never text.
    func paste(_ text: String) {
        guard var prompt = state.prompt else {
            state.notice = "paste ignored (\(text.count) chars): m, r and / take text"
            return requestFrame()
        }
        prompt.insert(pasted: text)
        prompt.error = nil
        state.prompt = prompt
        requestFrame()
    }

    func handle(_ key: Key, inBurst burst: Bool = false) {
        if state.prompt != nil { return edit(prompt: key) }
        if case .mouse(let event) = key {
            take(mouse: event)
            return requestFrame()
        }
        let searching = state.focus == .messages && state.reader == nil && MessagesPane.activeSearch(state) != nil
        guard let action = keymap.action(for: key, searching: searching) else { return }
        if state.showHelp, action != .help, action != .quit { state.showHelp = false; return requestFrame() }
        if burst, action.changesWork {
            state.notice = "\(KeyHints.words[action] ?? action.rawValue) ignored: keys came faster than typing"
            return requestFrame()
        }
        perform(action)
        requestFrame()
    }

    func perform(_ action: KeyAction) {
        state.notice = nil
        if state.view != nil, performInView(action) { return }
        if readerTakes(action) { return }
        switch action {
        case .approve: command(.approve(note: nil))
        case .reject: state.prompt = Prompt(kind: .reject)
        case .message:
            // An agent in a terminal session reads what is typed there; the others read PLAN.md.
            let inTerminal = snapshot.agents.first { $0.role == selectedRole }?.session != nil
            state.prompt = Prompt(kind: inTerminal ? .type(role: selectedRole, record: false) : .message(to: selectedRole))
        case .spawn: command(.spawn(role: selectedRole))
        case .kill: command(.kill(role: selectedRole))
        case .restart: command(.restart(role: selectedRole))
        case .resume: command(.resume)
        case .startFeature: state.prompt = Prompt(kind: .feature)
        case .merge: command(.merge)
        case .allow, .allowAlways, .deny: answerRequest(action)
        case .focusNext, .focusPrevious:
            let all = state.focusCycle
            let i = all.firstIndex(of: state.focus) ?? 0
            state.focus = all[(i + (action == .focusNext ? 1 : all.count - 1)) % all.count]
        case .up: move(-1)
        case .down: move(1)
        case .top where state.focus == .messages: messagesToOldest()
        case .bottom where state.focus == .messages: state.messageScroll.follow()
        case .top: move(-1_000_000)
        case .bottom: move(1_000_000)
        case .pageUp: move(-pageSize)
        case .pageDown: move(pageSize)
        case .follow where state.focus == .detail: toggleDetailFollowing()
        case .follow: toggleMessageFollowing()
        case .nextMatch: jumpToMatch(1)
        case .previousMatch: jumpToMatch(-1)
        case .search: state.prompt = Prompt(kind: .search, text: state.search ?? "")
        case .filter:
            // All → architect → builder → … → docwriter → all.
            let roles = snapshot.agents.map(\.role)
            let next = state.roleFilter.flatMap { roles.firstIndex(of: $0) }.map { $0 + 1 } ?? 0
            state.roleFilter = next < roles.count ? roles[next] : nil
            state.notice = state.roleFilter.map { "messages to or from \($0)" } ?? "all messages"
        case .detail where state.focus == .messages: openReader()
        case .detail: state.detailOpen ? closeDetail() : openDetail()
        case .attach: attach(selectedRole)
        case .plan: openView(.plan)
        case .diff: openView(.diff(role: selectedRole))
        case .request: openRequestView()
        case .nextFile, .previousFile: state.notice = "d opens the selected agent's diff; ] and [ go through its files"
        case .theme: nextTheme()
        case .help: state.showHelp.toggle()
        case .quit: quit()
        case .cancel:
            state.showHelp = false
            closeDetail()
            state.search = nil
            state.roleFilter = nil
        }
    }

    var selectedRole: String {
        snapshot.agents.indices.contains(state.selectedAgent) ? snapshot.agents[state.selectedAgent].role : "builder"
    }

    /// Sends a command to the engine that drives (this process's, or another's over its
    /// socket) off the UI queue; its answer comes back as a notice.
    func command(_ command: EngineCommand) {
        run(command) { [weak self] answer in self?.state.notice = answer.message }
    }

    /// Sends `command` off the UI queue, then `done` on the UI queue with the engine's answer.
    func run(_ command: EngineCommand, then done: @escaping @Sendable (EngineAnswer) -> Void) {
        let engine = self.engine
        DispatchQueue.global().async { [weak self] in
            let answer = engine.send(command)
            guard let self else { return }
            self.ui.async {
                done(answer)
                self.requestFrame()
            }
        }
    }

    func move(_ delta: Int) {
        switch state.focus {
        case .agents:
            state.selectedAgent = max(0, min(snapshot.agents.count - 1, state.selectedAgent + delta))
            updateDetailFeed()
        case .tasks:
            state.selectedTask = max(0, min(snapshot.plan.tasks.count - 1, state.selectedTask + delta))
        case .messages: scrollMessages(by: delta)
        case .detail: scrollDetail(by: delta)
        }
    }

    func clampSelection() {
        state.selectedAgent = max(0, min(snapshot.agents.count - 1, state.selectedAgent))
        state.selectedTask = max(0, min(max(0, snapshot.plan.tasks.count - 1), state.selectedTask))
    }

    func nextTheme() {
        let names = ThemeLoader.availableNames(userDirectory: ThemeLoader.defaultUserDirectory())
        guard !names.isEmpty else { return }
        let next = names[((names.firstIndex(of: themeName) ?? -1) + 1) % names.count]
        do {
            theme = try ThemeLoader.load(next, userDirectory: ThemeLoader.defaultUserDirectory())
            themeName = next
            state.notice = "theme \(next)"
            screen?.invalidate()
        } catch {
            state.notice = error.description
        }
    }

    /// Typing into the one-line prompt: Enter submits, Esc cancels.
    func edit(prompt key: Key) {
        guard var prompt = state.prompt else { return }
        switch key {
        case .char("\u{1B}"):
            state.prompt = nil
        case .char("\n"), .char("\r"), .code(Keymap.keyEnter):
            state.prompt = nil
            submit(prompt)
        case .char("\t"):
            if case .type(let role, let record) = prompt.kind { prompt.kind = .type(role: role, record: !record) }
            state.prompt = prompt
        case .char("\u{15}"):
            // Ctrl-U clears the line, as in a shell.
            prompt.text = ""
            prompt.error = nil
            state.prompt = prompt
        case .char("\u{7F}"), .char("\u{8}"), .code(Keymap.keyBackspace):
            if !prompt.text.isEmpty { prompt.text.removeLast() }
            prompt.error = nil
            state.prompt = prompt
        case .char(let c) where !c.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }):
            prompt.text.append(c)
            prompt.error = nil
            state.prompt = prompt
        default:
            break
        }
        requestFrame()
    }

    func submit(_ prompt: Prompt) {
        let text = prompt.text
        switch prompt.kind {
        case .reject: send(prompt, .reject(reason: text))
        case .message(let to): send(prompt, .tell(role: to, text: text))
        case .search:
            state.search = text.isEmpty ? nil : text
            state.focus = .messages
        case .deny(let role): send(prompt, .deny(role: role, reason: text.isEmpty ? nil : text))
        case .answer(let role, _):
            send(prompt, .answer(role: role, answers: text.split(separator: ";", omittingEmptySubsequences: false).map(String.init)))
        case .type(let role, let record): send(prompt, .send(role: role, text: text, record: record))
        case .feature: send(prompt, .start(feature: text, budgetUSD: nil))
        }
    }

    /// The agent whose request the answer keys answer: the selected one if it asks, else
    /// the first that does.
    var askingRole: String? {
        let asking = snapshot.agents.filter { $0.request != nil }.map(\.role)
        return asking.contains(selectedRole) ? selectedRole : asking.first
    }

    /// y, A, n: answers to the pending request — `role`'s (the request view's), else the
    /// one `askingRole` names.
    func answerRequest(_ action: KeyAction, role: String? = nil) {
        guard let role = role ?? askingRole, snapshot.agents.contains(where: { $0.role == role && $0.request != nil }) else {
            state.notice = role.map { "\($0) has no request waiting" } ?? "no agent is asking anything"
            return
        }
        // A question is answered by typing: y opens the answer's prompt, over the request
        // view, so the questions and every choice are there whole while the answer is typed.
        if let questions = snapshot.agents.first(where: { $0.role == role })?.request?.questions, action != .deny {
            if state.requestRole != role { openView(.request(role: role)) }
            state.prompt = Prompt(kind: .answer(role: role, question: questions.map(\.line).joined(separator: " / ")))
            return
        }
        switch action {
        case .allow: command(.allow(role: role, always: false))
        case .allowAlways: command(.allow(role: role, always: true))
        default: state.prompt = Prompt(kind: .deny(role: role))
        }
    }

    /// Sends what a prompt held. The prompt closes at once, so the keys that follow act as
    /// before; when the engine fails, the prompt comes back with the text and the reason, so
    /// nothing typed is lost (unless another prompt is open by then: the reason is a notice).
    func send(_ prompt: Prompt, _ command: EngineCommand) {
        run(command) { [weak self] answer in
            guard let self else { return }
            if !answer.ok, self.state.prompt == nil {
                var kept = prompt
                kept.error = answer.message
                self.state.prompt = kept
            } else {
                self.state.notice = answer.ok ? answer.message : "not sent: \(answer.message)"
            }
        }
    }
}
