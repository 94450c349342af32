/// Checks across tasks: duplicate IDs, unknown dependencies, dependency cycles, unknown
/// status words.
enum PlanLint {
    static func check(_ view: inout PlanView) {
        // Each ID's key once: a big plan has ten thousand tasks, each named again by the next.
        let keys = view.tasks.map { taskKey($0.id) }
        let depKeys = view.tasks.map { $0.dependsOn.map(taskKey) }
        var firstLine: [String: Int] = [:], index: [String: Int] = [:]
        for (i, task) in view.tasks.enumerated() {
            if let earlier = firstLine[keys[i]] {
                view.diagnostics.append(Diagnostic(line: task.line, severity: .error, message: "duplicate task ID \(task.id) (first on line \(earlier))"))
            } else {
                firstLine[keys[i]] = task.line
                index[keys[i]] = i
            }
            if task.status == .unknown {
                view.diagnostics.append(Diagnostic(line: task.line, severity: .warning, message: "task \(task.id): unknown status \"\(task.statusText)\""))
            }
        }
        for (i, task) in view.tasks.enumerated() {
            for (dep, key) in zip(task.dependsOn, depKeys[i]) where firstLine[key] == nil {
                view.diagnostics.append(Diagnostic(line: task.line, severity: .error, message: "task \(task.id) depends on unknown task \(dep)"))
            }
        }
        cycles(&view, edges: depKeys.map { $0.compactMap { index[$0] } })
        view.diagnostics.sort { ($0.line, $0.severity.rawValue) < ($1.line, $1.severity.rawValue) }
    }

    /// Reports each dependency cycle once, at the first task of it met in file order.
    /// Iterative, so a 10,000-long chain cannot overflow the stack.
    /// `edges[i]`: the indices of the tasks task `i` depends on.
    private static func cycles(_ view: inout PlanView, edges: [[Int]]) {
        var state = [UInt8](repeating: 0, count: view.tasks.count) // 0 new, 1 on path, 2 finished
        for root in view.tasks.indices where state[root] == 0 {
            var path: [(node: Int, next: Int)] = [(root, 0)]
            state[root] = 1
            while let top = path.last {
                if top.next < edges[top.node].count {
                    path[path.count - 1].next += 1
                    let child = edges[top.node][top.next]
                    if state[child] == 0 {
                        state[child] = 1
                        path.append((child, 0))
                    } else if state[child] == 1 {
                        let loop = path.map(\.node).drop { $0 != child } + [child]
                        let names = loop.map { view.tasks[$0].id }.joined(separator: " → ")
                        view.diagnostics.append(Diagnostic(line: view.tasks[child].line, severity: .error, message: "dependency cycle: \(names)"))
                    }
                } else {
                    state[top.node] = 2
                    path.removeLast()
                }
            }
        }
    }
}
