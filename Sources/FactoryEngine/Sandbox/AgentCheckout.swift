import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A role's checkout, `worktrees/<role>`, as it is on disk.
///
/// `factory init` makes each one a clone of the main repository that borrows its objects
/// (`git clone --shared`): the agent commits into its clone's own git folder, and factory
/// fetches its branch back into the main repository. A factory made before that has git
/// worktrees, which share the main repository's git folder — refs, objects and all — with
/// whoever works in them; a clean one is made a clone (`AgentClones.convert`).
public struct AgentCheckout: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Its own repository (`.git` is a folder).
        case clone
        /// A git worktree of the main repository; `common` is the repository's git folder.
        case worktree(common: String)
        case missing
    }

    public let path: String
    public let kind: Kind

    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    /// What `path` holds now. Whether it is a git worktree is the main repository's word —
    /// its own record, `<common>/worktrees/<name>/gitdir` naming `path/.git` — never what
    /// the checkout's `.git` says: an agent can replace its clone's `.git` folder with a file
    /// that names a folder of its own, and a checkout taken for a worktree is one whose agent
    /// may write the main repository's git folder. Anything else with a `.git` is a clone:
    /// factory runs git there only inside its agent's sandbox.
    public static func at(_ path: String, root: String) -> AgentCheckout {
        var st = stat()
        guard lstat("\(path)/.git", &st) == 0 else { return AgentCheckout(path: path, kind: .missing) }
        if (st.st_mode & S_IFMT) != S_IFDIR, let record = worktreeRecord(of: path, root: root) {
            return AgentCheckout(path: path, kind: .worktree(common: record.common))
        }
        return AgentCheckout(path: path, kind: .clone)
    }

    /// The main repository's git folder and its folder for the worktree at `path`
    /// (`<common>/worktrees/<name>`), when it records `path` as one of its worktrees.
    static func worktreeRecord(of path: String, root: String) -> (common: String, folder: String)? {
        var st = stat()
        let common = lstat("\(root)/.git", &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR ? "\(root)/.git"
            : (try? Git(root).output(["rev-parse", "--path-format=absolute", "--git-common-dir"])) ?? "\(root)/.git"
        let folder = "\(common)/worktrees"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
            let recorded = (try? String(contentsOfFile: "\(folder)/\(name)/gitdir", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            if recorded == "\(path)/.git" { return (common, "\(folder)/\(name)") }
        }
        return nil
    }

    public var isClone: Bool { kind == .clone }
}
