/// The JSON contract of `factory plan --json`: `fields`, `tasks`, `messages`,
/// `checkpoints`, `verdicts`, `diagnostics` (and `taskTables`, `changeLog`).
extension PlanView: Encodable {
    private enum Keys: String, CodingKey {
        case fields, tasks, messages, checkpoints, verdicts, diagnostics, taskTables, changeLog, sections
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        var byName: [String: String] = [:]
        for f in fields where byName[f.name] == nil { byName[f.name] = f.value }
        try c.encode(byName, forKey: .fields)
        try c.encode(tasks, forKey: .tasks)
        try c.encode(messages, forKey: .messages)
        try c.encode(checkpoints, forKey: .checkpoints)
        try c.encode(verdicts, forKey: .verdicts)
        try c.encode(diagnostics, forKey: .diagnostics)
        try c.encode(taskTables, forKey: .taskTables)
        try c.encode(changeLog, forKey: .changeLog)
        try c.encode(sections, forKey: .sections)
    }
}

