import OFACore

/// How a part sweeps several targets (issue 5): independently, or warm-started bottom-up or
/// top-down, compared over target counts K.
///
/// ```yaml
/// multi:
///   modes: [independent, bottom-up, top-down]
///   variants: [paper, improved]           # warm-started modes run once per variant
///   warm_generations: 100
///   target_counts: [1, 2, 3, 4, 5, 10]   # each sweep runs the first K targets
/// ```
public struct MultiTargetSpec: Sendable, Hashable {
    public enum Mode: String, Sendable, CaseIterable {
        case independent
        case bottomUp = "bottom-up"
        case topDown = "top-down"
        /// One multi-objective (NSGA-II) search under the largest target; each target takes the
        /// best member of its front.
        case nsga2
    }

    public enum Variant: String, Sendable, CaseIterable {
        /// The paper's exact behaviour, quirks included.
        case paper
        /// The corrected behaviour.
        case improved
    }

    public var modes: [Mode]
    /// Variants of the warm-started modes; each runs once per variant (independent and NSGA-II
    /// run once).
    public var variants: [Variant] = [.improved]
    /// Generations N2 of each warm-started target after the first.
    public var warmGenerations: Int = 100
    /// Numbers of targets K to sweep (the first K of the part's targets); nil means all of them.
    public var targetCounts: [Int]?

    public init(modes: [Mode], variants: [Variant] = [.improved], warmGenerations: Int = 100, targetCounts: [Int]? = nil) {
        self.modes = modes
        self.variants = variants
        self.warmGenerations = warmGenerations
        self.targetCounts = targetCounts
    }

    var resolvedJSON: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("modes", .array(modes.map { .string($0.rawValue) })), ("variants", .array(variants.map { .string($0.rawValue) })),
            ("warm_generations", .int(warmGenerations)),
        ]
        if let targetCounts { fields.append(("target_counts", .array(targetCounts.map { .int($0) }))) }
        return .object(fields)
    }
}
