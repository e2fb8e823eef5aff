/// One unit of work of an experiment: a search in one space with one strategy, for one target
/// (or a group of targets searched together), from one seed.
///
/// Runs are grouped when the work is shared by design: exhaustive search predicts the space once
/// and extracts the best subnet for every target; a multi-target sweep warm-starts each target
/// from the previous one.
public struct PlannedRun: Sendable, Hashable {
    /// Position in the plan (the order outputs are written in).
    public var index: Int
    /// Stable, file-name-safe id, e.g. `main__compofa-mbv3-w1.2__evolutionary__t25__s3__r0`.
    public var id: String
    public var partIndex: Int
    public var part: String
    /// Index of the space entry in its part.
    public var spaceIndex: Int
    public var space: String
    public var strategy: StrategySpec
    /// The multi-target mode, when the part sweeps targets together.
    public var mode: MultiTargetSpec.Mode?
    /// The variant of a warm-started mode (nil for independent and single-target runs).
    public var variant: MultiTargetSpec.Variant?
    public var targets: [Double]
    /// The seed as listed in the manifest.
    public var seed: UInt64
    /// Repetition index (0-based).
    public var repetition: Int
    /// The seed this run's generator starts from: `seed` itself for repetition 0, else derived
    /// from (`seed`, `repetition`) by SplitMix64.
    public var runSeed: UInt64

    /// Seed for repetition `repetition` of `seed` (`seed` itself for the first).
    public static func deriveSeed(_ seed: UInt64, repetition: Int) -> UInt64 {
        guard repetition > 0 else { return seed }
        var z = seed &+ UInt64(repetition) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
