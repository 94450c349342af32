import Foundation
import PackagePlugin

/// Embeds the package's top-level `agents/`, `themes/` and `screens/` folders in the binary
/// as Swift source, so an installed `factory` carries them and works from any directory.
@main
struct EmbedFiles: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        let folders = ["agents", "themes", "screens"]
        var inputs: [URL] = []
        for folder in folders {
            let dir = root.appending(path: folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path())) ?? []
            inputs += names.sorted().filter { !$0.hasPrefix(".") }.map { dir.appending(path: $0) }
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "Embedded.swift")
        return [.buildCommand(
            displayName: "Embedding agents/, themes/ and screens/",
            executable: try context.tool(named: "embed-files").url,
            arguments: [output.path(), root.path()] + inputs.map { $0.path() },
            inputFiles: inputs,
            outputFiles: [output]
        )]
    }
}
