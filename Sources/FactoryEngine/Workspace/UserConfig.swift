import Foundation

/// The user's own factory settings folder, for every factory: config.yaml, keys.conf, themes/.
public enum UserConfig {
    /// `$XDG_CONFIG_HOME/factory`, else `$HOME/.config/factory`; nil without either. A
    /// relative XDG_CONFIG_HOME is ignored, as the XDG spec says.
    public static func directory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") { return config + "/factory" }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.config/factory"
    }

    /// A folder of the user's own files (`screens`, `themes`) that replace the built-in ones of
    /// the same name; nil without a config folder.
    public static func directory(_ folder: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        directory(environment: environment).map { $0 + "/" + folder }
    }
}
