import Foundation
import Yams

/// How a factory tells the human something needs them, from the `config.yaml` in the user's
/// factory settings folder (`~/.config/factory/config.yaml`):
///
///     notify: ["notify-send", "factory"]   # a command run for each new item (argv, no shell)
///     desktop: true                        # or osc9, osc777: a desktop notification through the terminal
///     bell: true                           # the terminal bell
///
/// Flags on the command line (`--notify`, `--desktop`, `--bell`) add to it.
public struct NotifySettings: Sendable, Equatable {
    public var command: [String]?
    public var desktop = DesktopNotification.off
    public var bell = false

    public init(command: [String]? = nil, desktop: DesktopNotification = .off, bell: Bool = false) {
        self.command = command
        self.desktop = desktop
        self.bell = bell
    }

    /// Does anything alert at all?
    public var alerts: Bool { command != nil || desktop != .off || bell }

    /// The settings in `path`; none when the file does not exist.
    public static func load(_ path: String) throws(NotifySettingsError) -> NotifySettings {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return NotifySettings() }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String = "config.yaml") throws(NotifySettingsError) -> NotifySettings {
        let loaded: Any?
        do { loaded = try Yams.load(yaml: text) } catch {
            throw NotifySettingsError("\(file) is not valid YAML: \(String(describing: error).split(separator: "\n").first ?? "")")
        }
        guard let loaded else { return NotifySettings() }
        guard let fields = loaded as? [String: Any] else { throw NotifySettingsError("\(file): expected key: value lines") }
        var settings = NotifySettings()
        switch fields["notify"] {
        case nil: break
        // One string is split on spaces, as a user writing a command line expects; a list
        // keeps arguments with spaces whole.
        case let line as String: settings.command = line.split(separator: " ").map(String.init)
        case let list as [Any] where !list.isEmpty && list.allSatisfy({ $0 is String || $0 is Int || $0 is Double }):
            settings.command = list.map { "\($0)" }
        default: throw NotifySettingsError("\(file): notify must be a command, like [\"notify-send\", \"factory\"]")
        }
        if settings.command?.isEmpty == true { settings.command = nil }
        switch fields["desktop"] {
        case nil: break
        case let on as Bool: settings.desktop = on ? .osc9 : .off
        case let name as String where DesktopNotification(rawValue: name.lowercased()) != nil:
            settings.desktop = DesktopNotification(rawValue: name.lowercased()) ?? .off
        default: throw NotifySettingsError("\(file): desktop must be true, false, osc9 or osc777")
        }
        switch fields["bell"] {
        case nil: break
        case let on as Bool: settings.bell = on
        default: throw NotifySettingsError("\(file): bell must be true or false")
        }
        return settings
    }
}

/// A desktop notification through the terminal: OSC 9 (iTerm2, WezTerm, kitty, Windows
/// Terminal, Ghostty) or OSC 777 (rxvt-unicode, foot, VTE terminals, Ghostty).
public enum DesktopNotification: String, Sendable, Equatable {
    case off, osc9, osc777
}

public struct NotifySettingsError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
