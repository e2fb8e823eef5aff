import OFACore

/// Why a search cannot run; each message is one line naming the problem.
public enum SearchError: Error, Equatable, CustomStringConvertible {
    /// No architecture of the space fits the budget.
    case infeasibleBudget(budget: Double, range: FeasibleRange, metric: EfficiencyMetric)
    /// A strategy setting out of range, e.g. a population of 0.
    case invalidSetting(String)
    /// A strategy name the catalogue does not know.
    case unknownStrategy(String, known: [String])
    /// The space is too large to enumerate.
    case tooLarge(SpaceError)

    public var description: String {
        switch self {
        case let .infeasibleBudget(budget, range, metric):
            "target \(Self.format(budget)) \(metric.unit) is infeasible: the space's costs range from \(Self.format(range.minimum)) to \(Self.format(range.maximum)) \(metric.unit)"
        case let .invalidSetting(why): why
        case let .unknownStrategy(name, known): "unknown strategy '\(name)'; known strategies: \(known.joined(separator: ", "))"
        case let .tooLarge(e): e.description
        }
    }

    /// A budget for messages: up to four decimals, no trailing ".0".
    public static func format(_ x: Double) -> String {
        if abs(x) >= 1e15 || !x.isFinite { return String(x) }   // beyond Int: as a double
        if abs(x) >= 1e6 { return String(Int(x.rounded())) }
        let s = String((x * 10000).rounded() / 10000)
        return s.hasSuffix(".0") ? String(s.dropLast(2)) : s
    }
}
