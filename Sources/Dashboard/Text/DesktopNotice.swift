import FactoryEngine
import InertText

/// A desktop notification as the bytes that ask the terminal for one: OSC 9
/// (`ESC ] 9 ; text BEL`) or OSC 777 (`ESC ] 777 ; notify ; title ; body BEL`), wrapped for
/// tmux's passthrough inside tmux. The text comes from agents and PLAN.md, so it is made
/// inert first: with no control character in it, nothing can end the sequence early and
/// smuggle in another one.
public enum DesktopNotice {
    /// Long enough for a notification's line or two.
    static let limit = 240

    /// The sequence for `event` in `style`; inside tmux (`$TMUX` set) wrapped for passthrough.
    public static func bytes(for event: NotifyEvent, style: DesktopNotification, inTmux: Bool) -> [UInt8] {
        let title = event.role.map { "factory: \($0)" } ?? "factory"
        let sequence: [UInt8]
        switch style {
        case .off: return []
        // Prefixed: a text starting with digits and `;` is a command to some terminals
        // (ConEmu and Windows Terminal read `9;4;…` as progress).
        case .osc9: sequence = osc9("\(title): \(event.message)")
        case .osc777: sequence = osc777(title: title, body: event.message)
        }
        return inTmux ? tmuxPassthrough(sequence) : sequence
    }

    /// `ESC ] 9 ; text BEL`.
    public static func osc9(_ text: String) -> [UInt8] {
        [0x1B, 0x5D] + Array("9;".utf8) + Array(safe(text).utf8) + [0x07]
    }

    /// `ESC ] 777 ; notify ; title ; body BEL`. The title's own `;` would end it early.
    public static func osc777(title: String, body: String) -> [UInt8] {
        let fields = "777;notify;" + safe(title).replacingOccurrences(of: ";", with: ",") + ";" + safe(body)
        return [0x1B, 0x5D] + Array(fields.utf8) + [0x07]
    }

    /// `ESC P tmux; <sequence with each ESC doubled> ESC \`: tmux hands it to the terminal
    /// outside (when its `allow-passthrough` option is on; otherwise it drops it whole).
    public static func tmuxPassthrough(_ sequence: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x1B] + Array("Ptmux;".utf8)
        for byte in sequence {
            if byte == 0x1B { out.append(0x1B) }
            out.append(byte)
        }
        return out + [0x1B, 0x5C]
    }

    /// One line of visible text: Inert's escapes for controls (so no BEL, ESC or C1 string
    /// terminator is left raw), and no longer than `limit` characters.
    static func safe(_ text: String) -> String {
        let inert = Inert.text(text)
        return inert.count <= limit ? inert : String(inert.prefix(limit - 1)) + "…"
    }
}
