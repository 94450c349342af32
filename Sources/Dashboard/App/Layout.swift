/// Where each pane goes for a terminal size.
public struct Layout: Equatable, Sendable {
    public enum Mode: Equatable, Sendable {
        /// Every pane at once.
        case full
        /// One pane at a time (the focused one), for small terminals.
        case single
        /// Too small to show anything useful.
        case tooSmall
    }

    public var mode: Mode
    public var pipeline = Rect(x: 0, y: 0, width: 0, height: 0)
    public var agents = Rect(x: 0, y: 0, width: 0, height: 0)
    public var tasks = Rect(x: 0, y: 0, width: 0, height: 0)
    public var messages = Rect(x: 0, y: 0, width: 0, height: 0)
    public var statusBar = Rect(x: 0, y: 0, width: 0, height: 0)
    /// Everything between the pipeline and the status bar: where a full view goes.
    public var body = Rect(x: 0, y: 0, width: 0, height: 0)

    public static let minimumFull = (width: 60, height: 16)
    public static let minimumSingle = (width: 40, height: 10)

    public static func make(width: Int, height: Int, focus: PaneID) -> Layout {
        if width < minimumSingle.width || height < minimumSingle.height { return Layout(mode: .tooSmall) }
        let screen = Rect(x: 0, y: 0, width: width, height: height)
        let (body, status) = screen.top(height - 1)
        let (pipeline, rest) = body.top(3)
        var layout = Layout(mode: .full, pipeline: pipeline, statusBar: status, body: rest)
        if width < minimumFull.width || height < minimumFull.height {
            layout.mode = .single
            switch focus {
            case .agents: layout.agents = rest
            case .tasks, .detail: layout.tasks = rest
            case .messages: layout.messages = rest
            }
            return layout
        }
        let (left, right) = rest.left(width * 11 / 20)
        let agentRows = min(8, max(4, left.height / 2))
        let (agents, tasks) = left.top(agentRows)
        layout.agents = agents
        layout.tasks = tasks
        layout.messages = right
        return layout
    }
}
