import OFACore

/// Keeps a search from spending accuracy evaluations on architectures it has already evaluated:
/// pymoo's `eliminate_duplicates`, but against everything the run has seen, not only the
/// current population and offspring.
///
/// A memoized repeat costs no predictor row, but OFA's counting rule (accuracy requests, repeats
/// included) charges it as an evaluation; at a budget of 1,000 evaluations a tenth to a third of
/// NSGA-II's children were such repeats (converged parents breed their own copies).
///
/// ```swift
/// var seen = DuplicateElimination()
/// seen.insert(arch)          // true: new
/// seen.contains(arch)        // true
/// ```
public struct DuplicateElimination: Sendable {
    private var seen = Set<Architecture>()

    public init() {}

    /// Whether `arch` was inserted before.
    @inline(__always)
    public func contains(_ arch: Architecture) -> Bool { seen.contains(arch) }

    /// Records `arch`; returns whether it was new.
    @discardableResult
    public mutating func insert(_ arch: Architecture) -> Bool { seen.insert(arch).inserted }

    /// Architectures recorded.
    public var count: Int { seen.count }
}
