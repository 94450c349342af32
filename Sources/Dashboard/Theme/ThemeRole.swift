/// What a piece of the screen *is*, not what colour it has: panes draw with roles and the
/// theme decides how each looks. The raw values are the keys of `themes/*.theme` files.
public enum ThemeRole: String, CaseIterable, Sendable {
    case text, dim, border
    case borderFocused = "border_focused"
    case title, selection
    case statusBar = "status_bar"
    case keyHint = "key_hint"
    case help
    case phaseDone = "phase_done"
    case phaseCurrent = "phase_current"
    case phasePending = "phase_pending"
    case phaseBlocked = "phase_blocked"
    case agentRunning = "agent_running"
    case agentStalled = "agent_stalled"
    case agentExited = "agent_exited"
    case agentFailed = "agent_failed"
    case agentKilled = "agent_killed"
    case agentExternal = "agent_external"
    case agentIdle = "agent_idle"
    case taskDone = "task_done"
    case taskWIP = "task_wip"
    case taskPending = "task_pending"
    case taskBlocked = "task_blocked"
    case taskFailed = "task_failed"
    case taskUnknown = "task_unknown"
    case messageSender = "message_sender"
    case messageTime = "message_time"
    case messageBody = "message_body"
    /// Something that needs the user (an approval, a stalled agent banner).
    case attention
    /// Control characters from agent output, shown escaped (`^[`) rather than executed.
    case escape
    case searchMatch = "search_match"
    /// The diff view: lines added and removed, and the `@@` line that starts a hunk.
    case diffAdded = "diff_added"
    case diffRemoved = "diff_removed"
    case diffHunk = "diff_hunk"
    /// The plan view: a code block or inline code.
    case code
}

extension ThemeRole {
    /// The role a theme file's missing entry borrows from. Every chain ends at `text`, whose
    /// own fallback is the terminal's default look (see `Theme.style(_:)`). A state borrows
    /// from the closest state of another kind (a running agent looks like work in progress),
    /// so a short user theme still tells states apart.
    ///
    ///     dim → text              border → dim → text      border_focused → title → text
    ///     selection → text        status_bar → selection   key_hint → status_bar
    ///     help, message_body, agent_external, attention, task_done, task_wip → text
    ///     message_sender → title  message_time, escape, task_pending, task_unknown,
    ///                             agent_exited, agent_idle → dim
    ///     task_blocked, task_failed, agent_stalled → attention
    ///     phase_done → task_done  phase_current → task_wip  phase_pending → task_pending
    ///     phase_blocked → task_blocked   agent_running → task_wip
    ///     agent_failed → task_failed     agent_killed → agent_failed
    ///     search_match → selection
    ///     diff_added → task_done  diff_removed → task_blocked  diff_hunk → message_sender
    ///     code → text
    ///
    /// A missing `selection`, `attention` or `search_match` also gains its `emphasis`, so
    /// it never looks like the role it borrowed from.
    public var fallback: ThemeRole? {
        switch self {
        case .text: nil
        case .dim, .title, .help, .messageBody, .agentExternal, .attention, .taskDone, .taskWIP, .selection, .code: .text
        case .border, .messageTime, .escape, .taskPending, .taskUnknown, .agentExited, .agentIdle: .dim
        case .borderFocused, .messageSender: .title
        case .statusBar: .selection
        case .keyHint: .statusBar
        case .taskBlocked, .taskFailed, .agentStalled: .attention
        case .phaseDone: .taskDone
        case .phaseCurrent, .agentRunning: .taskWIP
        case .phasePending: .taskPending
        case .phaseBlocked: .taskBlocked
        case .agentFailed: .taskFailed
        case .agentKilled: .agentFailed
        case .searchMatch: .selection
        case .diffAdded: .taskDone
        case .diffRemoved: .taskBlocked
        case .diffHunk: .messageSender
        }
    }

    /// The attribute that keeps this role apart from plain text when nothing else does: when
    /// the theme leaves the role out (it would otherwise look exactly like its fallback), and
    /// at `ColorDepth.none` when its style has no attribute (its colours are gone). A
    /// selection you cannot see makes the dashboard unusable, so this is not left to themes.
    public var emphasis: WritableKeyPath<ThemeStyle, Bool>? {
        switch self {
        case .selection: \.reverse
        case .attention: \.bold
        case .searchMatch: \.underline
        default: nil
        }
    }
}
