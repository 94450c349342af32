import Foundation

/// A feature's budget: once its agents have spent it, the pipeline starts no agent (no new
/// turn, no retry) and asks the human, who raises it (`factory budget N`), lifts it
/// (`factory budget none`) or starts an agent by hand. A turn already running finishes.
extension Engine {
    func setBudget(_ usd: Double?) throws(EngineError) -> String {
        let limit = try usd.map { value throws(EngineError) in try Budget.check(value) }
        return try onQueue { () throws(EngineError) in
            state.budgetUSD = limit
            state.budgetReachedAt = nil
            save()
            let spent = Budget.text(state.featureCostUSD)
            event(.budget, role: nil, limit.map { "budget set to \(Budget.text($0)) (spent \(spent))" } ?? "budget lifted (spent \(spent))")
            step()
            return limit.map { "budget \(Budget.text($0)); the feature has spent \(spent)" } ?? "no budget; the feature has spent \(spent)"
        }
    }

    /// Called when a turn's cost is added: the first time the budget is spent, it is an event.
    func checkBudget() {
        guard state.overBudget, state.budgetReachedAt == nil, let limit = state.budgetUSD else { return }
        state.budgetReachedAt = state.featureCostUSD
        event(.budget, role: nil, "the feature has spent \(Budget.text(state.featureCostUSD)) of its \(Budget.text(limit)) budget: no agent starts until you raise it")
    }

    /// The roles whose agents have spent their own `budget_usd` on this feature.
    var rolesOverBudget: Set<String> {
        Set(roles.compactMap { role, def in
            guard let limit = def.budgetUSD, (state.spentByRole?[role] ?? 0) >= limit else { return nil }
            return role
        })
    }

    /// An attention item for each role held by its own budget.
    func roleBudgetAttention() -> [Attention] {
        guard ![.idle, .done].contains(state.phase) else { return [] }
        return rolesOverBudget.sorted().compactMap { role in
            guard let limit = roles[role]?.budgetUSD else { return nil }
            return Attention(kind: .budget, role: role, message: "\(role) has spent \(Budget.text(state.spentByRole?[role] ?? 0)) of its \(Budget.text(limit)) budget (budget_usd in agents/\(role).md): it starts no turn until you raise it", about: role)
        }
    }

    /// The attention item while the budget holds the pipeline.
    func budgetAttention() -> Attention? {
        guard state.overBudget, let limit = state.budgetUSD, ![.idle, .done].contains(state.phase) else { return nil }
        return Attention(kind: .budget, role: nil,
                         message: "the feature has spent \(Budget.text(state.featureCostUSD)) of its \(Budget.text(limit)) budget: no agent starts; factory budget N raises it",
                         about: Budget.text(limit))
    }
}

/// Money as factory reads and shows it.
public enum Budget {
    /// `5`, `$5`, `5.50 USD`, `$ 0.75` → the amount; nil for anything else.
    public static func parse(_ text: String) -> Double? {
        var t = text.trimmingCharacters(in: .whitespaces)
        if t.uppercased().hasSuffix("USD") { t = String(t.dropLast(3)) }
        if t.hasPrefix("$") { t = String(t.dropFirst()) }
        t = t.trimmingCharacters(in: .whitespaces)
        // Up to a million dollars: `1e308` is a typo, not a budget.
        guard let value = Double(t), value.isFinite, value >= 0, value <= 1_000_000 else { return nil }
        return value
    }

    static func check(_ usd: Double) throws(EngineError) -> Double {
        guard usd.isFinite, usd > 0 else { throw EngineError("a budget is an amount of USD above 0, like 5 or 0.50") }
        return usd
    }

    /// `$0.0123` below a dollar (agents' turns cost cents), `$12.35` above.
    public static func text(_ usd: Double) -> String {
        String(format: usd >= 1 ? "$%.2f" : usd >= 0.0001 || usd == 0 ? "$%.4f" : "$%.6f", usd)
    }

    /// Said after a command that would start agents, while the budget holds them.
    static func heldNote(_ state: EngineState) -> String {
        guard state.overBudget, let limit = state.budgetUSD else { return "" }
        return "; the feature has spent its budget (\(text(state.featureCostUSD)) of \(text(limit))): no agent starts until you raise it (factory budget N)"
    }
}
