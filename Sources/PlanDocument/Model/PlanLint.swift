/// Checks across tasks: duplicate IDs, unknown dependencies, dependency cycles, unknown
/// status words.
enum PlanLint {
    static func check(_ view: inout PlanView) {
        var firstLine: [String: Int] = [:]
        for task in view.tasks {
            let key = taskKey(task.id)
            if let earlier = firstLine[key] {
                view.diagnostics.append(Diagnostic(line: task.line, severity: .error, message: "duplicate task ID \(task.id) (first on line \(earlier))"))
            } else {
                firstLine[key] = task.line
            }
            if task.status == .unknown {
                view.diagnostics.append(Diagnostic(line: task.line, severity: .warning, message: "task \(task.id): unknown status \"\(task.statusText)\""))
            }
        }
        for task in view.tasks {
            for dep in task.dependsOn where firstLine[taskKey(dep)] == nil {
                view.diagnostics.append(Diagnostic(line: task.line, severity: .error, message: "task \(task.id) depends on unknown task \(dep)"))
            }
        }
        cycles(&view)
        view.diagnostics.sort { ($0.line, $0.severity.rawValue) < ($1.line, $1.severity.rawValue) }
    }

    /// Reports each dependency cycle once, at the first task of it met in file order.
    /// Iterative, so a 10,000-long chain cannot overflow the stack.
    private static func cycles(_ view: inout PlanView) {
        var index: [String: Int] = [:]
        for (i, t) in view.tasks.enumerated() where index[taskKey(t.id)] == nil { index[taskKey(t.id)] = i }
        let edges = view.tasks.map { $0.dependsOn.compactMap { index[taskKey($0)] } }
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
