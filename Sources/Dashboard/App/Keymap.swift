import Foundation

/// What a key does.
public enum KeyAction: String, CaseIterable, Sendable {
    case approve, reject, message, spawn, kill, restart, resume
    case startFeature = "start_feature", merge
    case allow, deny
    case allowAlways = "allow_always"
    case focusNext = "focus_next", focusPrevious = "focus_previous"
    case up, down, top, bottom
    case pageUp = "page_up", pageDown = "page_down"
    case follow, search, filter, detail, attach
    case plan, diff
    /// The request view: what an agent asks, whole.
    case request
    case nextFile = "next_file", previousFile = "previous_file"
    case nextMatch = "next_match", previousMatch = "previous_match"
    case theme, help, quit, cancel

    /// Actions that change the pipeline or the agents: never taken from input that arrives
    /// faster than anyone types (`BurstRule`).
    public var changesWork: Bool {
        switch self {
        // `m` too: opened by a paste, its prompt would swallow the rest as a message.
        case .approve, .reject, .message, .spawn, .kill, .restart, .resume, .allow, .allowAlways, .deny, .startFeature, .merge: return true
        default: return false
        }
    }
}

/// A key as curses delivers it: a character, a special key code, or the mouse.
public enum Key: Hashable, Sendable {
    case char(Character)
    case code(Int32)
    case mouse(MouseEvent)
}

/// A left press or a turn of the wheel, at a cell of the screen.
public struct MouseEvent: Hashable, Sendable {
    public enum Kind: Int32, Sendable {
        case press = 1, wheelUp = 4, wheelDown = 5
    }
    public var kind: Kind
    public var x: Int
    public var y: Int
}

/// Keys to actions, with the defaults of the help overlay and overrides from
/// `~/.config/factory/keys.conf` (`approve = A`, one per line). The search's keys
/// (`next_match`, `previous_match`) act while a search is shown in the focused messages
/// pane, and leave their keys to the main table otherwise (`n` denies a request then).
public struct Keymap: Sendable {
    public private(set) var bindings: [Key: KeyAction] = [:]
    public private(set) var searchBindings: [Key: KeyAction] = [:]

    // Curses key codes (stable across ncurses builds).
    public static let keyDown: Int32 = 0o402, keyUp: Int32 = 0o403, keyHome: Int32 = 0o406, keyEnd: Int32 = 0o550
    public static let keyBackTab: Int32 = 0o541, keyEnter: Int32 = 0o527, keyResize: Int32 = 0o632
    public static let keyBackspace: Int32 = 0o407
    public static let keyPageDown: Int32 = 0o522, keyPageUp: Int32 = 0o523

    public static let defaults: [(String, KeyAction)] = [
        ("a", .approve), ("r", .reject), ("m", .message), ("s", .spawn), ("x", .kill), ("R", .restart), ("u", .resume), ("S", .startFeature), ("M", .merge), ("y", .allow), ("A", .allowAlways), ("n", .deny),
        ("\t", .focusNext), ("BackTab", .focusPrevious), ("k", .up), ("Up", .up), ("j", .down), ("Down", .down),
        ("g", .top), ("Home", .top), ("G", .bottom), ("End", .bottom),
        ("PageUp", .pageUp), ("PageDown", .pageDown), ("f", .follow), ("/", .search), ("F", .filter),
        ("\n", .detail), ("\r", .detail), ("Enter", .detail), ("o", .attach), ("p", .plan), ("d", .diff), ("v", .request), ("]", .nextFile), ("[", .previousFile), ("t", .theme), ("?", .help), ("q", .quit), ("Escape", .cancel),
    ]
    public static let searchDefaults: [(String, KeyAction)] = [("n", .nextMatch), ("N", .previousMatch)]

    /// The defaults alone.
    public static let standard: Keymap = (try? Keymap()) ?? Keymap(empty: ())

    private init(empty: ()) {}

    public init(overrides text: String? = nil) throws(KeymapError) {
        for (name, action) in Self.defaults { if let key = Self.key(named: name) { bindings[key] = action } }
        for (name, action) in Self.searchDefaults { if let key = Self.key(named: name) { searchBindings[key] = action } }
        guard let text else { return }
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let action = KeyAction(rawValue: parts[0]) else {
                throw KeymapError("keys.conf:\(number + 1): expected ACTION = KEY with ACTION one of \(KeyAction.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let key = Self.key(named: parts[1]) else { throw KeymapError("keys.conf:\(number + 1): unknown key \"\(parts[1])\"") }
            if Self.searchDefaults.contains(where: { $0.1 == action }) {
                searchBindings = searchBindings.filter { $0.value != action }
                searchBindings[key] = action
            } else {
                bindings = bindings.filter { $0.value != action }
                if let taken = bindings[key], taken != action { displaced.append((number + 1, parts[1], taken)) }
                bindings[key] = action
            }
        }
    }

    /// Keys keys.conf gave to another action, leaving their old action with no key: said,
    /// not silently lost (line, key, the action that lost it).
    public private(set) var displaced: [(line: Int, key: String, action: KeyAction)] = []

    /// One line about what keys.conf left without a key, or nil.
    public var warning: String? {
        let keyless = displaced.filter { d in !bindings.values.contains(d.action) }
        guard !keyless.isEmpty else { return nil }
        return "keys.conf: " + keyless.map { "line \($0.line) takes \($0.key) from \($0.action.rawValue), which has no key now" }.joined(separator: "; ")
    }

    /// `searching`: a search is shown in the focused messages pane, and its keys come first.
    public func action(for key: Key, searching: Bool = false) -> KeyAction? {
        (searching ? searchBindings[key] : nil) ?? bindings[key]
    }

    static func key(named name: String) -> Key? {
        switch name {
        case "Up": return .code(keyUp)
        case "Down": return .code(keyDown)
        case "Home": return .code(keyHome)
        case "End": return .code(keyEnd)
        case "PageUp": return .code(keyPageUp)
        case "PageDown": return .code(keyPageDown)
        case "BackTab": return .code(keyBackTab)
        case "Enter": return .code(keyEnter)
        case "Tab": return .char("\t")
        case "Escape": return .char("\u{1B}")
        default: return name.count == 1 ? name.first.map { .char($0) } : nil
        }
    }

    /// The help overlay's lines.
    public var helpLines: [String] {
        let names: [KeyAction: String] = [
            .approve: "approve the plan", .reject: "reject the plan (asks a reason)", .message: "message a role",
            .spawn: "spawn the selected agent", .kill: "kill the selected agent", .restart: "restart the selected agent",
            .resume: "resume a blocked pipeline at the phase that blocked",
            .startFeature: "start a feature (asks what to build)", .merge: "merge again (after fixing a conflict by hand)",
            .allow: "allow what an agent asks, once", .allowAlways: "allow it, and calls like it from now on (a rule in the role file)",
            .deny: "deny what an agent asks (asks a reason)",
            .focusNext: "next pane", .focusPrevious: "previous pane", .up: "up / scroll back a line", .down: "down / scroll on a line",
            .top: "top / oldest", .bottom: "bottom / newest, and follow", .pageUp: "a page back", .pageDown: "a page on",
            .follow: "follow new lines on/off", .search: "search messages", .filter: "messages of one role (cycles)",
            .detail: "open / close the agent's live detail; in messages, read the message whole", .attach: "open the agent's terminal session (Ctrl-] comes back)", .plan: "the plan: design, tasks, verdicts that sent it back (a, r work in it)",
            .diff: "the selected agent's changes against main",
            .request: "what an agent asks, whole, before you answer: command, file, patch, questions (the answer keys work in it)", .nextFile: "diff: next file", .previousFile: "diff: previous file",
            .nextMatch: "next message found (while searching, in the messages pane)", .previousMatch: "previous message found (likewise)",
            .theme: "next theme", .help: "this help", .quit: "quit (agents keep running); in the plan, diff or request view, close it",
            .cancel: "close / cancel",
        ]
        return KeyAction.allCases.map { action in
            let bound = bindings.filter { $0.value == action }.map(\.key) + searchBindings.filter { $0.value == action }.map(\.key)
            let keys = Set(bound.map(Self.label)).sorted().joined(separator: " ")
            // A key the search borrows says so where it is explained.
            let lent = searchBindings.keys.filter { bindings[$0] == action }.map { Self.label($0) }.sorted()
            let note = lent.isEmpty ? "" : " (\(lent.joined(separator: " ")): not while searching messages)"
            return "\(keys.padding(toLength: 14, withPad: " ", startingAt: 0)) \(names[action] ?? action.rawValue)\(note)"
        }
    }

    static func label(_ key: Key) -> String {
        switch key {
        case .char("\t"): return "Tab"
        case .char("\n"), .char("\r"): return "Enter"
        case .char("\u{1B}"): return "Esc"
        case .char(let c): return String(c)
        case .code(keyUp): return "↑"
        case .code(keyDown): return "↓"
        case .code(keyHome): return "Home"
        case .code(keyEnd): return "End"
        case .code(keyPageUp): return "PgUp"
        case .code(keyPageDown): return "PgDn"
        case .code(keyBackTab): return "S-Tab"
        case .code(keyEnter): return "Enter"
        case .code(let c): return "#\(c)"
        case .mouse: return "mouse"
        }
    }
}

public struct KeymapError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
