#if canImport(Glibc)
import Glibc
#endif

/// Where a factory's files are.
public enum Workspace {
    public static let planRelativePath = ".agent-comms/PLAN.md"

    /// `.agent-comms/PLAN.md` in `directory` or the nearest parent that has one.
    public static func findPlan(from directory: String = currentDirectory()) -> String? {
        nearest([planRelativePath], from: directory).map { "\($0)/\(planRelativePath)" }
    }

    /// The nearest of `directory` and its parents holding any of `marks` (relative paths);
    /// "" for the file system's root.
    public static func nearest(_ marks: [String], from directory: String) -> String? {
        var dir = directory
        while true {
            for mark in marks where access(dir == "/" ? "/\(mark)" : "\(dir)/\(mark)", F_OK) == 0 { return dir == "/" ? "" : dir }
            guard dir != "/", let slash = dir.lastIndex(of: "/") else { return nil }
            dir = slash == dir.startIndex ? "/" : String(dir[..<slash])
        }
    }

    public static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
