import PlanDocument

/// The readable form of `factory plan`.
enum PlanSummary {
    static func render(_ view: PlanView, path: String) -> String {
        var out = "\(path)\n"
        for field in view.fields { out += "  \(field.name): \(field.value)\n" }
        out += "\nTasks (\(view.tasks.count))\n"
        let counts = TaskStatus.allCases.compactMap { s -> String? in
            let n = view.tasks.filter { $0.status == s }.count
            return n == 0 ? nil : "\(n) \(s.rawValue)"
        }
        if !counts.isEmpty { out += "  " + counts.joined(separator: ", ") + "\n" }
        for t in view.tasks.prefix(50) {
            let deps = t.dependsOn.isEmpty ? "" : "  ← \(t.dependsOn.joined(separator: ", "))"
            out += "  \(pad(t.id, 6)) \(pad(t.status.rawValue, 8)) \(pad(t.agent, 10)) \(t.description)\(deps)\n"
        }
        if view.tasks.count > 50 { out += "  … \(view.tasks.count - 50) more\n" }
        out += "\nMessages (\(view.messages.count))\n"
        for m in view.messages.suffix(5) {
            let first = m.body.split(separator: "\n").first.map(String.init) ?? ""
            out += "  \(m.from) → \(m.to.joined(separator: ", "))\(m.time.isEmpty ? "" : " (\(m.time))"): \(first)\n"
        }
        if !view.checkpoints.isEmpty { out += "\nCheckpoints\n" }
        for c in view.checkpoints {
            let done = c.items.filter(\.done).count
            out += "  \(c.title) — \(done)/\(c.items.count)\n"
        }
        if !view.verdicts.isEmpty { out += "\nVerdicts\n" }
        for v in view.verdicts { out += "  \(v.kind.rawValue) \(v.subject): \(v.verdict)\n" }
        if !view.changeLog.isEmpty { out += "\nChange log (\(view.changeLog.count))\n" }
        for entry in view.changeLog.suffix(5) { out += "  \(entry.date)  \(entry.change) — \(entry.by)\n" }
        if view.changeLog.count > 5 { out += "  (the last 5; factory plan --json has them all)\n" }
        let errors = view.diagnostics.filter { $0.severity == .error }.count
        if !view.diagnostics.isEmpty {
            out += "\n\(errors) error(s), \(view.diagnostics.count - errors) warning(s) — run `factory lint` for details\n"
        }
        return out
    }

    private static func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s : s + String(repeating: " ", count: n - s.count)
    }
}
