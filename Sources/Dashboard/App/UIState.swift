/// The panes that can take the keyboard's focus.
public enum PaneID: String, CaseIterable, Sendable {
    case agents, tasks, messages
}

/// A one-line prompt at the bottom of the screen.
public struct Prompt: Equatable, Sendable {
    public enum Kind: Sendable, Equatable {
        case reject
        case message(to: String)
        case search
    }
    public var kind: Kind
    public var text = ""

    public var label: String {
        switch kind {
        case .reject: return "Reason for the architect: "
        case .message(let to): return "Message to \(to): "
        case .search: return "Search messages: "
        }
    }
}

/// What the screen shows besides the snapshot: focus, selection, scrolling, overlays.
public struct UIState: Equatable, Sendable {
    public var focus: PaneID = .agents
    public var selectedAgent = 0
    public var selectedTask = 0
    /// Messages hidden below the bottom of the pane (0 = the newest is visible).
    public var messageOffset = 0
    /// New messages scroll into view at once.
    public var follow = true
    public var roleFilter: String?
    public var search: String?
    public var showHelp = false
    /// The selected agent's detail (log tail, diff stat, commits) fills the lower left.
    public var detailOpen = false
    public var prompt: Prompt?
    /// One line of feedback in the status bar ("plan approved", an error).
    public var notice: String?

    public init() {}
}
