import FactoryEngine
import Foundation
import XCTest

/// A real git repository in a temporary folder, removed afterwards.
struct TempRepo {
    let path: String

    init(commit: Bool = true) throws {
        path = NSTemporaryDirectory() + "factory-engine-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try git("init", "--quiet", "--initial-branch=main")
        try git("config", "user.email", "test@factory.local")
        try git("config", "user.name", "factory test")
        if commit {
            try "hello\n".write(toFile: path + "/README.md", atomically: true, encoding: .utf8)
            try git("add", "README.md")
            try git("commit", "--quiet", "-m", "first")
        }
    }

    @discardableResult
    func git(_ args: String...) throws -> String {
        let result = Git(path).run(args)
        guard result.succeeded else { throw GitError("git \(args.joined(separator: " ")): \(result.firstErrorLine)") }
        return result.stdout
    }

    func read(_ relative: String) -> String? { try? String(contentsOfFile: path + "/" + relative, encoding: .utf8) }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
