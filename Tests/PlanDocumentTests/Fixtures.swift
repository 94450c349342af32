import PlanDocument

/// PLAN.md shapes seen in real repositories (see DESIGN.md), as test fixtures.
enum Fixtures {
    static let template = PlanTemplate.text(date: "2026-11-24")

    /// A plan in the middle of a feature: design section, tasks, messages in every variant,
    /// verdict sections.
    static let working = """
    # Plan: Authentication

    **Status:** 🔄 In Progress  
    **Updated:** 2026-11-24 10:30  
    **Lead:** Orchestrator  

    ---

    ## Active Tasks

    | ID | Agent | Status | Priority | Description | Depends On |
    |:---|:-----:|-------:|----------|-------------|------------|
    | T1 | architect | ✅ Done | P0 | Design auth | - |
    | T2 | builder | 🔄 In Progress | P0 | Implement JWT \\| sessions | T1 |
    | **T3** | tester | ⏳ Pending | P1 | Write tests | T1, T2 |
    | T4 | reviewer | ❌ Blocked | P1 | Review | T2 |
    | T5 | security | 🔴 Failed | P0 | Audit |
    | T6 | docwriter | Someday | P2 | Docs | T3 | extra |

    ## Design: Auth

    | Decision | Choice | Why |
    |----------|--------|-----|
    | Tokens | JWT | stateless |

    ```markdown
    ### Builder → Architect (09:00)
    This example is documentation, not a message.
    | ID | Status |
    |----|--------|
    | X1 | done |
    ```

    ## Messages

    ### Builder → Architect (10:25)
    **Question:** JWT or session-based?

    - option one
    - option two

    ### Architect -> Builder, Tester (2026-11-24 10:40)
    JWT. Example:

    ```
    ### not a heading
    ---
    ```

    Done.

    ### Tester => All - 2026-11-24 14:30
    Tests are green.

    ---

    ### Security → Orchestrator - [Date/Time]
    Found an issue.

    ## Checkpoints

    ### Checkpoint 1: Design Approved
    - [x] Architect completed design
    - [ ] Human approved the plan

    ### Checkpoint 2: Implementation Done
    * [X] Builder completed all tasks
    1. [ ] Code builds and runs

    ## Code Review: Auth

    ### Verdict
    ✅ Approved

    ## Security Audit: Auth

    ### Verdict
    ✅ Secure | ⚠️ Issues Found | ❌ Critical Block

    ## Test Results: Auth

    **Verdict:** ❌ Needs Fixes

    ## Change Log

    | Date | Change | By |
    |------|--------|----|
    | 2026-11-24 | Plan created | Orchestrator |
    | 2026-11-24 | Design approved | Human |

    """

    /// Task tables as other repositories write them.
    static let variants = """
    # Variants

    ## Phase 1

    Task | Owner | State | Details
    ---|---|---|---
    A1 | builder | done | no outer pipes

    ## Phase 2

    | Status | Notes | Task | Assignee | Blocked By |
    | --- | --- | --- | --- | --- |
    | wip | columns in any order | B1 | tester | A1 |
    | [ ] | checkbox status | B2 | tester | B1 A1 |
    | [x] | | B3 | | none |

    ## Phase 3

    | # | Agent | Status | Deps |
    |---|-------|--------|------|
    | C1 | docwriter | 🚧 working | B3 |

    ## Risks

    | Risk | Impact |
    |------|--------|
    | Token leak | High |

    """
}
