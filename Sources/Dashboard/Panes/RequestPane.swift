import FactoryEngine

/// `v`: what an agent asks, whole, before it is answered — the command with every line, the
/// file and all its content, an edit as a patch, each question with every choice, a
/// screen's prompt as captured, anything else as JSON — under what "always" would do. The
/// answer keys work here. Rows are laid out once per request and width (`RequestLayout`)
/// and made into glyphs only for what is on screen.
enum RequestPane {
    /// The layout for `role`'s request at the body's width: `kept` when it is that one.
    static func layout(_ snap: Snapshot, role: String, width: Int, keeping kept: RequestLayout?) -> RequestLayout? {
        guard let request = request(snap, role) else { return nil }
        let width = max(1, width)
        if let kept, kept.lays(request, width: width) { return kept }
        return RequestLayout(request, width: width)
    }

    static func request(_ snap: Snapshot, _ role: String) -> PermissionRequest? {
        snap.agents.first { $0.role == role }?.request
    }

    /// The rows above the request's parts: what the answer keys do to it, "always" above all
    /// (the rule it would add, or that there is none and it allows this call once), then a blank.
    static func header(_ layout: RequestLayout, role: String, keymap: Keymap) -> [StyledRow] {
        let key = { (action: KeyAction) in keymap.label(of: action).map { " (\($0))" } ?? "" }
        let said = switch layout.answering {
        case .question:
            "a question: answer\(key(.allow)) types your answer — a choice's number, or your own words (; between answers where it asks several); deny\(key(.deny)) declines it"
        case .onScreen:
            "asked on its screen: allow\(key(.allow)) and deny\(key(.deny)) press the keys its screen rules name; always is not kept for a screen (the role's lists do not answer screens)"
        case .always(let rule):
            "always\(key(.allowAlways)) allows this and calls like it from now on: it adds \(rule.text) to agents/\(role).md's allow list"
        case .onceOnly:
            "always\(key(.allowAlways)) adds no rule: none can name only calls like this one, so it allows this call once, as allow\(key(.allow)) does, and the next asks again"
        }
        return StyledRows.wrap(StyledRows.of(said, .attention), width: layout.width, hang: 2) + [[]]
    }

    static func title(_ request: PermissionRequest?, role: String) -> String {
        guard let request else { return "request · \(role)" }
        if let questions = request.questions, !questions.isEmpty {
            return "\(role) asks \(questions.count == 1 ? "a question" : "\(questions.count) questions")"
        }
        return request.isOnScreen ? "\(role) asks on its screen" : "\(role) asks to run \(request.tool)"
    }

    /// Rows in all: the header's and the layout's.
    static func count(_ snap: Snapshot, role: String, layout: RequestLayout?, keymap: Keymap) -> Int {
        guard request(snap, role) != nil, let layout else { return 1 }
        return header(layout, role: role, keymap: keymap).count + layout.rows.count
    }

    static func draw(_ snap: Snapshot, role: String, top: Int, layout kept: RequestLayout?, keymap: Keymap, in rect: Rect, on canvas: inout Canvas) {
        let request = request(snap, role)
        guard let request, let layout = layout(snap, role: role, width: rect.inner.width, keeping: kept) else {
            let none = StyledRows.of("\(role) has no request waiting (answered, or withdrawn)", .dim)
            return FullViewPane.draw(title: title(nil, role: role), count: 1, top: 0, row: { _ in none }, in: rect, on: &canvas)
        }
        let header = header(layout, role: role, keymap: keymap)
        FullViewPane.draw(title: title(request, role: role), count: header.count + layout.rows.count, top: top,
                          row: { $0 < header.count ? header[$0] : layout.row($0 - header.count) }, in: rect, on: &canvas)
    }
}
