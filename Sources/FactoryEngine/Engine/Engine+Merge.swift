import Dispatch

/// The merge phase's work: the whole merge tried first, main moved only when every branch
/// and the history entry are in.
extension Engine {
    func runMerge() -> Bool {
        dispatchPrecondition(condition: .onQueue(queue))
        let merges = MergeQueue(root: paths.root, mainBranch: mainBranch, clones: clones)
        switch merges.plan() {
        case .nothingToMerge:
            return transition(to: .done, "no agent branch had commits to merge")
        case let .failed(reason):
            return block("merge failed: \(reason)")
        case let .conflict(branch, files):
            state.conflicts = files
            event(.conflict, "merging \(branch) would conflict in \(files.joined(separator: ", ")); main untouched")
            return block("merge conflict merging \(branch): \(files.joined(separator: ", "))")
        case let .merged(base, tip, branches):
            let entry = HistoryEntry(for: state, view: plan.view, branches: branches, day: Clock.day())
            let history: String
            switch HistoryWriter(queue: queue, git: merges.git, identity: merges.identity).commit(entry, onto: tip, base: base, branches: branches) {
            case let .success(written):
                history = written.commit
                for branch in written.rewrote {
                    let role = String(branch.dropFirst("agent/".count))
                    raise(TrustAlert(role: role, message: "The \(role)'s branch changed \(HistoryWriter.path); it is factory's record, so that change was left out of the merge", at: wallNow()),
                          by: .agent(role: role, runID: nil))
                }
            case let .failure(problem): return block("merge stopped, main untouched: \(problem.description)")
            }
            if let problem = merges.apply(tip: history) { return block("merge stopped, main untouched: \(problem)") }
            state.conflicts = []
            state.mergedCommit = tip
            event(.merged, "merged \(branches.joined(separator: ", ")) into \(mainBranch)")
            return transition(to: .done, "merged \(branches.count) branch(es) into \(mainBranch)")
        }
    }
}
