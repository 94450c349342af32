import Foundation

/// The panes that can take the keyboard's focus.
public enum PaneID: String, CaseIterable, Sendable {
    /// `detail`: the selected agent's detail, in the tasks pane's place while it is open.
    case agents, tasks, detail, messages
}

/// A view that takes the panes' whole place until it is closed.
public enum FullView: Equatable, Sendable {
    /// The feature's design and tasks (`p`).
    case plan
    /// An agent's changes against main (`d`).
    case diff(role: String)
    /// What an agent asks, whole (`v`).
    case request(role: String)
}

/// A one-line prompt at the bottom of the screen.
public struct Prompt: Equatable, Sendable {
    public enum Kind: Sendable, Equatable {
        case reject
        case message(to: String)
        case search
        /// Why a permission request is denied (empty: no reason given).
        case deny(role: String)
        /// Answers to an agent's questions (`;` between answers when it asks several).
        case answer(role: String, question: String)
        /// What to build: a new feature's request.
        case feature
        /// A line typed into an agent's terminal session; `record`: also into PLAN.md.
        case type(role: String, record: Bool)
    }
    public var kind: Kind
    public var text = ""
    /// Why the last submit failed; the text is kept so it can be sent again.
    public var error: String?

    public init(kind: Kind, text: String = "") {
        self.kind = kind
        self.text = text
    }

    public var label: String {
        switch kind {
        case .reject: return "Reason for the architect: "
        case .message(let to): return "Message to \(to): "
        case .search: return "Search messages: "
        case .deny(let role): return "Deny \(role)'s request; why (Enter: no reason): "
        case .answer(let role, let question): return "\(role) asks \(question) — your answer: "
        case .feature: return "Start a feature; what should the team build? "
        case .type(let role, let record):
            return "Type into \(role)'s terminal" + (record ? ", recorded in PLAN.md" : "") + " (Tab: \(record ? "don't record" : "also record")): "
        }
    }

    /// A message may have several lines; a reason or a search is one line.
    public var keepsLineBreaks: Bool {
        if case .message = kind { return true }
        return false
    }

    /// Pasted text, inserted as text: line breaks (LF, CRLF or the CR a terminal pastes)
    /// become `\n` in a message and spaces elsewhere; a tab is a space; other controls
    /// are dropped, as they are when typed.
    public mutating func insert(pasted: String) {
        var previous: Unicode.Scalar?
        for scalar in pasted.unicodeScalars {
            defer { previous = scalar }
            switch scalar {
            case "\n" where previous == "\r": continue
            case "\r", "\n": text.unicodeScalars.append(keepsLineBreaks ? "\n" : " ")
            case "\t": text.unicodeScalars.append(" ")
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value): continue
            default: text.unicodeScalars.append(scalar)
            }
        }
    }

    /// The text on its one line: a line break shows as ⏎.
    public var shownText: String { text.replacingOccurrences(of: "\n", with: "⏎") }
}

/// The message open in the reader (by its line in PLAN.md) and its first row shown.
public struct MessageReader: Equatable, Sendable {
    public var line: Int
    public var top = 0

    public init(line: Int) { self.line = line }
}

/// What the screen shows besides the snapshot: focus, selection, scrolling, overlays.
public struct UIState: Equatable, Sendable {
    public var focus: PaneID = .agents
    public var selectedAgent = 0
    public var selectedTask = 0
    /// The messages pane: following the newest, or held at a row.
    public var messageScroll = MessageScroll()
    /// One message read whole, over the panes.
    public var reader: MessageReader?
    public var roleFilter: String?
    public var search: String?
    public var showHelp = false
    /// The selected agent's detail (its log or activity, diff stat, commits) takes the tasks
    /// pane's place.
    public var detailOpen = false
    /// Where the detail's feed is scrolled to.
    public var detailScroll = FeedScroll()
    /// The plan, diff or request view, while open.
    public var view: FullView?
    /// The open view's first row shown.
    public var viewTop = 0
    public var prompt: Prompt?
    /// One line of feedback in the status bar ("plan approved", an error).
    public var notice: String?

    public init() {}

    /// The role whose request the request view shows, while it is open.
    public var requestRole: String? {
        if case .request(let role)? = view { return role }
        return nil
    }

    /// The panes Tab goes through: the detail, while open, in the tasks pane's place.
    public var focusCycle: [PaneID] { detailOpen ? [.agents, .detail, .messages] : [.agents, .tasks, .messages] }
}
