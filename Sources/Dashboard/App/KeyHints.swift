import FactoryEngine

/// The status bar's hints, made from the one binding table: each action's word and when it
/// applies, shown with the keys it is bound to now — a key rebound in keys.conf shows as
/// rebound, and only what can be done now is offered (no "approve" once the run is done).
enum KeyHints {
    /// The word each action has in the status bar; actions without one are in the help only.
    static let words: [KeyAction: String] = [
        .approve: "approve", .reject: "reject", .allow: "allow", .allowAlways: "always", .deny: "deny",
        .message: "message", .spawn: "spawn", .kill: "kill", .restart: "restart", .resume: "resume",
        .startFeature: "new feature", .merge: "merge", .attach: "terminal", .detail: "detail", .plan: "plan", .diff: "diff", .request: "read whole",
        .focusNext: "focus", .search: "search", .follow: "follow", .theme: "theme", .help: "help", .quit: "quit",
    ]

    /// The hints in the main view, in the order of what most needs doing.
    static let order: [KeyAction] = [.allow, .allowAlways, .deny, .approve, .reject, .resume, .merge, .startFeature,
                                     .plan, .diff, .message, .attach, .spawn, .kill, .restart, .detail, .focusNext, .search, .follow, .theme, .help, .quit]

    /// The hints while the detail view has the keys (scrolling is four actions, one hint).
    static let detailHints: [([KeyAction], String)] = [
        ([.up, .down, .pageUp, .pageDown], "scroll"), ([.top], "top"), ([.bottom], "follow"), ([.follow], "hold"),
        ([.detail], "close"), ([.attach], "terminal"), ([.focusNext], "focus"), ([.help], "help"), ([.quit], "quit"),
    ]

    /// The hints in the plan or diff view (they take q and Esc to close).
    static let viewHints: [([KeyAction], String)] = [
        ([.cancel, .quit], "close"), ([.request], "read request"), ([.approve], "approve"), ([.reject], "reject"),
        ([.up, .down, .pageUp, .pageDown], "scroll"), ([.nextFile, .previousFile], "file"), ([.top], "top"), ([.bottom], "end"), ([.help], "help"),
    ]

    /// The hints in the request view: its answers first, in the words the view uses.
    static func requestHints(_ request: PermissionRequest?) -> [([KeyAction], String)] {
        // (Not `answering`: which rule always adds reads the input, a frame is no time for it.)
        let answers: [([KeyAction], String)] = switch request {
        case nil: []
        case let request? where request.isQuestion: [([.allow], "answer"), ([.deny], "decline")]
        case let request? where request.isOnScreen: [([.allow], "allow"), ([.deny], "deny")]
        default: [([.allow], "allow"), ([.allowAlways], "always"), ([.deny], "deny")]
        }
        return answers + [([.cancel, .quit], "close"), ([.up, .down, .pageUp, .pageDown], "scroll"), ([.top], "top"), ([.bottom], "end"), ([.help], "help")]
    }

    /// The hints while a message is open whole in the reader.
    static let readerHints: [([KeyAction], String)] = [
        ([.up, .down, .pageUp, .pageDown], "scroll"), ([.top], "top"), ([.bottom], "end"), ([.cancel], "close"), ([.help], "help"), ([.quit], "quit"),
    ]

    /// The hints in the messages pane; while a search is shown, `n`/`N` move between matches.
    static func messagesHints(searching: Bool) -> [([KeyAction], String)] {
        (searching ? [([KeyAction.nextMatch, .previousMatch], "next/previous match"), ([.cancel], "clear")]
                   : [([KeyAction.up, .down, .pageUp, .pageDown], "scroll")])
            + [([.detail], "read"), ([.search], "search"), ([.filter], "role"), ([.follow], "follow"), ([.focusNext], "focus"), ([.help], "help"), ([.quit], "quit")]
    }

    static func line(_ snap: Snapshot, _ ui: UIState, keymap: Keymap) -> String {
        let (answer, rest) = parts(snap, ui, keymap: keymap)
        return " " + (answer + rest).joined(separator: " · ")
    }

    /// The hints in two parts: the keys for an agent that asks — where its request is read
    /// whole, then the answers — which the status bar puts next to what needs attention,
    /// and the rest.
    static func parts(_ snap: Snapshot, _ ui: UIState, keymap: Keymap) -> (answer: [String], rest: [String]) {
        let asking = snap.agents.contains { $0.request != nil }
        let searching = ui.focus == .messages && MessagesPane.activeSearch(ui) != nil
        // An agent asking comes first wherever the keys are (n denies except while searching).
        let answer: [([KeyAction], String)] = asking && ui.reader == nil && ui.view == nil
            ? [([.request], "read whole")] + (searching ? [([.allow, .allowAlways], "answer")] : [([.allow, .allowAlways, .deny], "answer")]) : []
        let hints: [([KeyAction], String)] = ui.reader != nil ? readerHints
            : ui.requestRole != nil ? requestHints(viewedRequest(snap, ui))
            : ui.view != nil
            ? viewHints.filter { applies($0.0[0], snap, ui) }
            : ui.focus == .messages ? messagesHints(searching: searching)
            : ui.focus == .detail
            ? detailHints.filter { applies($0.0[0], snap, ui) && !(asking && $0.0[0] == .request) }
            : order.filter { applies($0, snap, ui) && !(asking && [.allow, .allowAlways, .deny, .request].contains($0)) }
                .compactMap { action in words[action].map { ([action], $0) } }
        let shown = { (hints: [([KeyAction], String)]) in
            hints.compactMap { actions, word -> String? in
                let keys = actions.compactMap { keymap.label(of: $0) }
                return keys.isEmpty ? nil : keys.joined(separator: "/") + " " + word
            }
        }
        return (shown(answer), shown(hints))
    }

    /// The request the request view shows, while it is open.
    static func viewedRequest(_ snap: Snapshot, _ ui: UIState) -> PermissionRequest? {
        ui.requestRole.flatMap { role in snap.agents.first { $0.role == role }?.request }
    }

    /// Can the action do something now?
    static func applies(_ action: KeyAction, _ snap: Snapshot, _ ui: UIState) -> Bool {
        let selected = snap.agents.indices.contains(ui.selectedAgent) ? snap.agents[ui.selectedAgent] : nil
        let asking = snap.agents.first { $0.request != nil }
        switch action {
        // Approving also accepts an approved plan that changed since (the attention item says which lines).
        case .approve: return snap.phase == .awaitingApproval || snap.attention.contains { $0.kind == .planChanged }
        case .reject: return snap.phase == .awaitingApproval
        case .allow, .deny, .request: return asking != nil
        case .allowAlways: return asking.map { $0.request?.isQuestion == false && $0.session == nil } ?? false
        case .resume: return snap.phase == .blocked
        case .merge: return snap.phase == .blocked && (snap.blockedPhase == .merge || !snap.conflicts.isEmpty)
        case .startFeature: return [.idle, .done, .blocked].contains(snap.phase)
        case .spawn: return selected.map { !$0.state.isActive } ?? false
        case .kill, .restart: return selected?.state.isActive ?? false
        case .attach: return selected?.session != nil
        case .nextFile, .previousFile: if case .diff? = ui.view { return true } else { return false }
        default: return true
        }
    }
}

extension Keymap {
    /// The first key bound to `action` (the search's own keys too), as the help writes it;
    /// nil when none is.
    public func label(of action: KeyAction) -> String? {
        (bindings.filter { $0.value == action } + searchBindings.filter { $0.value == action }).map { Self.label($0.key) }
            .sorted { ($0.count, $0) < ($1.count, $1) }.first
    }
}
