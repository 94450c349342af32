import Foundation

/// The user's own factory files, which replace the built-in ones of the same name.
public enum UserConfig {
    /// `$XDG_CONFIG_HOME/factory/<folder>`, else `$HOME/.config/factory/<folder>`; nil without
    /// either. A relative XDG_CONFIG_HOME is ignored, as the XDG spec says.
    public static func directory(
        _ folder: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String? {
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            return config + "/factory/" + folder
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.config/factory/" + folder
    }
}
