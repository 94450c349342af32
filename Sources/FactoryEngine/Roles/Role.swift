/// The six roles of a software factory, and the rule for any role name read from a file.
public enum Role {
    public static let all = ["architect", "builder", "tester", "reviewer", "security", "docwriter"]

    /// A role name becomes a path (`worktrees/<role>`, `agents/<role>.md`), a branch
    /// (`agent/<role>`) and an environment value, so it is held to a safe alphabet:
    /// letters, digits, `-` and `_`, starting with a letter, at most 32 characters. No
    /// separators, no `..`: a name from a file never escapes `worktrees/`.
    public static func validate(_ name: String) throws(RoleError) -> String {
        let scalars = Array(name.unicodeScalars)
        guard let first = scalars.first, scalars.count <= 32 else { throw RoleError("role name \"\(name)\" must be 1 to 32 characters") }
        let isLetter = { (s: Unicode.Scalar) in ("a"..."z").contains(s) || ("A"..."Z").contains(s) }
        guard isLetter(first), scalars.allSatisfy({ isLetter($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }) else {
            throw RoleError("role name \"\(name)\" may hold only letters, digits, - and _, and must start with a letter")
        }
        return name.lowercased()
    }
}

public struct RoleError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
