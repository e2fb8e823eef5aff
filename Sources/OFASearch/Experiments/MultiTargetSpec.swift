/// How a part sweeps several targets (issue 5): independently, or warm-started bottom-up or
/// top-down, compared over target counts K.
///
/// ```yaml
/// multi:
///   modes: [independent, bottom-up, top-down]
///   variant: improved
///   warm_generations: 100
///   target_counts: [1, 2, 3, 4, 5, 10]   # each sweep runs the first K targets
/// ```
public struct MultiTargetSpec: Sendable, Hashable {
    public enum Mode: String, Sendable, CaseIterable {
        case independent
        case bottomUp = "bottom-up"
        case topDown = "top-down"
    }

    public enum Variant: String, Sendable, CaseIterable {
        /// The paper's exact behaviour, quirks included.
        case paper
        /// The corrected behaviour.
        case improved
    }

    public var modes: [Mode]
    public var variant: Variant = .improved
    /// Generations N2 of each warm-started target after the first.
    public var warmGenerations: Int = 100
    /// Numbers of targets K to sweep (the first K of the part's targets); nil means all of them.
    public var targetCounts: [Int]?

    public init(modes: [Mode], variant: Variant = .improved, warmGenerations: Int = 100, targetCounts: [Int]? = nil) {
        self.modes = modes
        self.variant = variant
        self.warmGenerations = warmGenerations
        self.targetCounts = targetCounts
    }

    var resolvedJSON: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("modes", .array(modes.map { .string($0.rawValue) })), ("variant", .string(variant.rawValue)),
            ("warm_generations", .int(warmGenerations)),
        ]
        if let targetCounts { fields.append(("target_counts", .array(targetCounts.map { .int($0) }))) }
        return .object(fields)
    }
}
