import BundledFiles
import Foundation
import XCTest

/// The copy inside the binary must equal the folders in the repository.
final class BundledFilesTests: XCTestCase {
    private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testEmbeddedFilesEqualTheFolders() throws {
        var onDisk: [String: String] = [:]
        for folder in ["agents", "themes", "screens"] {
            let dir = root.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) where !name.hasPrefix(".") {
                onDisk["\(folder)/\(name)"] = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            }
        }
        XCTAssertFalse(onDisk.isEmpty)
        XCTAssertEqual(Set(BundledFiles.all.keys), Set(onDisk.keys))
        for (path, text) in onDisk { XCTAssertEqual(BundledFiles.all[path], text, path) }
    }

    func testTheScreenRulesOfEachInteractiveCLI() {
        XCTAssertEqual(Set(BundledFiles.screens.keys), ["claude", "codex", "aider"])
    }

    func testTheSixRoles() {
        XCTAssertEqual(Set(BundledFiles.agents.keys), ["architect", "builder", "tester", "reviewer", "security", "docwriter"])
    }
}
