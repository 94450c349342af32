/// The PLAN.md a new factory starts from, in the methodology's template shape.
public enum PlanTemplate {
    public static func text(title: String = "Project Plan", date: String = "[Date]") -> String {
        """
        # \(title)

        **Status:** 🟢 Ready  
        **Updated:** \(date)  
        **Lead:** Orchestrator  

        ---

        ## Objective

        _Describe the feature to build._

        ---

        ## Active Tasks

        | ID | Agent | Status | Priority | Description | Depends On |
        |----|-------|--------|----------|-------------|------------|
        | - | - | ⏳ | - | Waiting for tasks | - |

        **Legend:** ⏳ Pending · 🔄 In Progress · ✅ Done · ❌ Blocked · 🔴 Failed

        ---

        ## Messages

        _No messages yet_

        ---

        ## Checkpoints

        ### Checkpoint 1: Design Approved
        - [ ] Architect completed design
        - [ ] Human approved the plan

        ### Checkpoint 2: Implementation Done
        - [ ] Builder completed all tasks
        - [ ] Code builds and runs

        ### Checkpoint 3: Validation Passed
        - [ ] Tester: tests pass
        - [ ] Reviewer: approved
        - [ ] Security: no critical issues

        ### Checkpoint 4: Ready to Merge
        - [ ] Documentation updated
        - [ ] All branches merged

        ---

        ## Change Log

        | Date | Change | By |
        |------|--------|----|
        | \(date) | Plan created | Orchestrator |

        """
    }
}

/// Large PLAN.md files for benchmarks and stress tests.
public enum PlanSamples {
    /// About 200 bytes a message: 100,000 messages and 10,000 tasks make about 20 MB.
    public static func generated(tasks: Int, messages: Int) -> [UInt8] {
        let roles = ["Architect", "Builder", "Tester", "Reviewer", "Security", "Docwriter"]
        let statuses = ["✅ Done", "🔄 In Progress", "⏳ Pending", "❌ Blocked", "🔴 Failed"]
        var out = "# Benchmark Plan\n\n**Status:** 🔄 Working  \n**Updated:** 2026-11-24  \n**Lead:** Orchestrator  \n\n---\n\n## Active Tasks\n\n"
        out += "| ID | Agent | Status | Priority | Description | Depends On |\n|----|-------|--------|----------|-------------|------------|\n"
        for i in 1...max(1, tasks) where i <= tasks {
            let dep = i > 1 ? "T\(i - 1)" : "-"
            out += "| T\(i) | \(roles[i % 6].lowercased()) | \(statuses[i % 5]) | P\(i % 3) | Implement part \(i) of the feature with tests | \(dep) |\n"
        }
        out += "\n---\n\n## Messages\n\n"
        for i in 0..<messages {
            let from = roles[i % 6], to = roles[(i + 1) % 6]
            out += "### \(from) → \(to) (2026-11-24 \(10 + i % 10):\(10 + i % 50))\n"
            out += "Message \(i): the change to module \(i % 97) is ready; see the diff for details.\n"
            out += "**Question:** should the cache be invalidated on write, or on read?\n\n"
        }
        out += "---\n\n## Change Log\n\n| Date | Change | By |\n|------|--------|----|\n| 2026-11-24 | Plan created | Orchestrator |\n"
        return Array(out.utf8)
    }
}
