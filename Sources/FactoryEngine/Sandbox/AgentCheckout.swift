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

    /// What `path` holds now. A worktree's `.git` file names its folder in the main
    /// repository's git folder, `<common>/worktrees/<name>`.
    public static func at(_ path: String, root: String) -> AgentCheckout {
        var st = stat()
        guard lstat("\(path)/.git", &st) == 0 else { return AgentCheckout(path: path, kind: .missing) }
        if (st.st_mode & S_IFMT) == S_IFDIR { return AgentCheckout(path: path, kind: .clone) }
        let common = (try? Git(root).output(["rev-parse", "--path-format=absolute", "--git-common-dir"])) ?? "\(root)/.git"
        return AgentCheckout(path: path, kind: .worktree(common: common))
    }

    public var isClone: Bool { kind == .clone }
}
