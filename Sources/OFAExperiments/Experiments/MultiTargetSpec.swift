import OFACore
import OFAStrategies

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
    public typealias Mode = MultiTargetSweep.Mode
    public typealias Variant = MultiTargetSweep.Variant

    public var modes: [Mode]
    /// Variants of the warm-started modes; each runs once per variant (independent and NSGA-II
    /// run once).
    public var variants: [Variant] = [.improved]
    /// The sweep's settings: `warm_generations`, `first_stall`, `warm_stall`,
    /// `warm_parent_ratio`, `max_tries` (unset: the variant's and strategies' defaults).
    public var settings = SweepSettings()
    /// Numbers of targets K to sweep (the first K of the part's targets); nil means all of them.
    public var targetCounts: [Int]?

    /// Generations N2 of each warm-started target after the first.
    public var warmGenerations: Int {
        get { settings.warmGenerations }
        set { settings.warmGenerations = newValue }
    }

    public init(modes: [Mode], variants: [Variant] = [.improved], warmGenerations: Int = SweepSettings.defaultWarmGenerations,
                targetCounts: [Int]? = nil) {
        self.modes = modes
        self.variants = variants
        self.targetCounts = targetCounts
        self.warmGenerations = warmGenerations
    }

    /// The part's fingerprint includes this. A setting added after manifests were first run
    /// appears only when it differs from its default, so those manifests keep their
    /// fingerprints (and their output folders still resume).
    var resolvedJSON: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("modes", .array(modes.map { .string($0.rawValue) })), ("variants", .array(variants.map { .string($0.rawValue) })),
            ("warm_generations", .int(warmGenerations)),
        ]
        if let targetCounts { fields.append(("target_counts", .array(targetCounts.map { .int($0) }))) }
        if let s = settings.firstStall { fields.append(("first_stall", .int(s))) }
        if let s = settings.warmStall { fields.append(("warm_stall", .int(s))) }
        if let r = settings.warmParentRatio { fields.append(("warm_parent_ratio", .double(r))) }
        if let n = settings.maxTries { fields.append(("max_tries", .int(n))) }
        return .object(fields)
    }
}
