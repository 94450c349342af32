import Foundation
import PlanDocument

/// A simulated agent that behaves like a real one: it reads PLAN.md and its role file,
/// commits real changes in its worktree, flips its tasks, writes messages and its verdict.
/// `factory agent-sim` runs it; the `sim` preset launches it for each role.
///
/// Scenarios (FACTORY_SIM_SCENARIO): `happy`; `veto` (security blocks the first round);
/// `conflict` (the docwriter edits the builder's file, so the merge conflicts).
/// Faults for tests (FACTORY_SIM_FAULT=role:crash|hang|flood|idle|stream).
public struct AgentSim {
    public var role: String
    public var planPath: String
    public var scenario: String
    public var directory: String
    public var pause: Double
    public var fault: String?
    /// `claude`: speak Claude Code's stream-json (its own words then go to stderr).
    public var agentProtocol: AgentProtocol = .text
    let environment: [String: String]

    public init(role: String, planPath: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                directory: String = FileManager.default.currentDirectoryPath) {
        self.role = role
        self.planPath = planPath
        self.directory = directory
        scenario = environment["FACTORY_SIM_SCENARIO"] ?? "happy"
        pause = Double(environment["FACTORY_SIM_PAUSE"] ?? "") ?? 0.05
        if let f = environment["FACTORY_SIM_FAULT"], f.hasPrefix("\(role):") { fault = String(f.dropFirst(role.count + 1)) }
        self.environment = environment
    }

    public func run() throws {
        guard agentProtocol == .claude else { return try work() }
        var session = ClaudeSimSession(role: role, environment: environment)
        try session.run { try work() }
    }

    private func work() throws {
        say("reading \(planPath)")
        switch fault {
        case "crash": say("simulated crash"); exit(1)
        case "hang": while true { sleep(60) }
        case "idle": sleep(3600)
        case "stream":
            // Never finishes: a numbered line every pause, for watching output arrive.
            var number = 0
            while true {
                number += 1
                say("line \(number)")
                think()
            }
        case "flood":
            let line = String(repeating: "flood ", count: 20) + "\n"
            for _ in 0..<200_000 { FileHandle.standardOutput.write(Data(line.utf8)) }
            exit(0)
        default: break
        }
        let file = PlanFile(path: planPath)
        let doc = try file.read()
        let feature = doc.view.field("Feature") ?? "the feature"
        think()
        switch role {
        case "architect": try architect(file, doc, feature)
        case "builder": try builder(file, doc, feature)
        case "tester": try validator(file, feature, kind: .tests, verdict: "pass", file: "tests/greeting_test.txt")
        case "reviewer": try validator(file, feature, kind: .review, verdict: "approved", file: nil)
        case "security": try security(file, doc, feature)
        case "docwriter": try docwriter(file, doc, feature)
        default: say("no simulation for role \(role)")
        }
        say("done")
    }

    private func architect(_ file: PlanFile, _ doc: PlanDocument, _ feature: String) throws {
        let revisions = Self.open(doc, "architect").filter { $0.description.hasPrefix("Revise") }.map { "- \($0.description)\n" }.joined()
        try commit("docs/design.md", "# Design: \(feature)\n\nA command that prints a greeting.\n\(revisions)", "Design: \(feature)")
        var edits: [PlanEdit] = []
        if !doc.view.sections.contains(where: { $0.hasPrefix("Design") }) {
            edits.append(.appendSection(markdown: """
            ## Design: \(feature)

            ### Architecture
            One command, one module, one test.

            | Decision | Choice | Why |
            |----------|--------|-----|
            | Output | stdout | simplest |
            """))
        }
        try file.update(edits)
        try file.update { current in
            var more: [PlanEdit] = []
            if !current.view.tasks.contains(where: { $0.agent.lowercased() == "builder" }) {
                more.append(.addTask(TaskDraft(agent: "builder", status: "pending", priority: "P0", description: "Implement: \(feature)")))
            }
            more += Self.open(current, "architect").map { .setTaskCell(id: $0.id, column: "status", value: "done") }
            more.append(.appendMessage(from: "Architect", to: ["Orchestrator"], body: "Design for \(feature) is ready for approval.", time: Clock.minute()))
            return more
        }
    }

    private func builder(_ file: PlanFile, _ doc: PlanDocument, _ feature: String) throws {
        let tasks = Self.open(doc, "builder")
        for task in tasks {
            try file.update([.setTaskCell(id: task.id, column: "status", value: "wip")])
            think()
            let round = task.description.hasPrefix("Fix") ? " (fixed)" : ""
            try commit("src/greeting.txt", "Hello from the builder\(round)\n", "\(task.id): \(task.description)")
            try file.update([.setTaskCell(id: task.id, column: "status", value: "done")])
        }
        try file.update([.appendMessage(from: "Builder", to: ["Tester", "Reviewer", "Security"], body: "Ready for validation.", time: Clock.minute())])
    }

    private func validator(_ file: PlanFile, _ feature: String, kind: VerdictKind, verdict: String, file path: String?) throws {
        if let path { try commit(path, "test: the greeting is printed\n", "Test \(feature)") }
        try give(kind, verdict, feature)
    }

    /// A verdict goes to the engine, as `factory verdict` sends it: the engine records it
    /// for this agent's role, and PLAN.md's verdict line follows.
    private func give(_ kind: VerdictKind, _ verdict: String, _ feature: String) throws {
        let paths = try WorkspacePaths.find(from: (planPath as NSString).deletingLastPathComponent)
        let answer = Engine.deliver(.verdict(kind: kind, subject: feature, verdict: verdict), to: paths)
        guard answer.ok else { throw EngineError("verdict refused: \(answer.message)") }
        say(answer.message)
    }

    private func security(_ file: PlanFile, _ doc: PlanDocument, _ feature: String) throws {
        let fixed = doc.view.tasks.contains { $0.agent.lowercased() == "builder" && $0.description.hasPrefix("Fix") && $0.status == .done }
        if scenario == "veto" && !fixed {
            try file.update([.appendMessage(from: "Security", to: ["Builder"], body: "Critical: the greeting echoes unescaped input.", time: Clock.minute())])
            try give(.security, "critical_block", feature)
        } else {
            try give(.security, "secure", feature)
        }
    }

    private func docwriter(_ file: PlanFile, _ doc: PlanDocument, _ feature: String) throws {
        if scenario == "conflict" {
            try commit("src/greeting.txt", "Hello from the docwriter\n", "Document the greeting inline")
        } else {
            try commit("docs/greeting.md", "# Greeting\n\nRun the command to be greeted.\n", "Document \(feature)")
        }
        try file.update { current in
            Self.open(current, "docwriter").map { .setTaskCell(id: $0.id, column: "status", value: "done") }
                + [.appendMessage(from: "Docwriter", to: ["Orchestrator"], body: "Documentation updated.", time: Clock.minute())]
        }
    }

    static func open(_ doc: PlanDocument, _ role: String) -> [PlanTask] {
        doc.view.tasks.filter { $0.agent.lowercased() == role && $0.status != .done }
    }

    private func commit(_ path: String, _ text: String, _ message: String) throws {
        let full = "\(directory)/\(path)"
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: full, atomically: true, encoding: .utf8)
        let git = Git(directory)
        _ = git.run(["add", "--", path])
        // The same content again (a second round): nothing to commit.
        if git.run(["diff", "--cached", "--quiet"]).succeeded { say("\(path) unchanged"); return }
        let identity = (try? git.output(["config", "user.email"])) == nil ? ["-c", "user.name=\(role)", "-c", "user.email=\(role)@factory.local"] : []
        let result = git.run(identity + ["commit", "--quiet", "-m", message])
        guard result.succeeded else { throw EngineError("commit failed: \(result.firstErrorLine)") }
        say("committed \(path)")
    }

    private func think() { if pause > 0 { usleep(UInt32(pause * 1_000_000)) } }

    private func say(_ text: String) {
        let out = agentProtocol == .claude ? FileHandle.standardError : FileHandle.standardOutput
        out.write(Data("[\(role)] \(text)\n".utf8))
    }
}
