/// The two-objective hypervolume (minimise cost, maximise accuracy): the area of the region that
/// a set of points dominates, bounded by a reference point (the worst cost and accuracy that still
/// count) and, optionally, a cheapest cost that counts.
///
/// With a floor, the area is ∫ from `minCost` to `maxCost` of max(0, best accuracy at cost ≤ t −
/// `minAccuracy`) dt: comparing a sweep's answers with a Pareto front over the window of the
/// targets does not reward the front for costs below the smallest target.
///
/// ```swift
/// let ref = Hypervolume.Reference(maxCost: 60, minAccuracy: 0.70, minCost: 15)
/// Hypervolume.area(of: [(20, 0.78), (40, 0.80)], reference: ref)   // 20×0.08 + 20×0.10 = 3.6
/// ```
public enum Hypervolume {
    public struct Reference: Sendable, Equatable {
        public var maxCost: Double
        public var minAccuracy: Double
        /// Costs below this do not count (−∞: the standard hypervolume).
        public var minCost: Double

        public init(maxCost: Double, minAccuracy: Double, minCost: Double = -.infinity) {
            self.maxCost = maxCost
            self.minAccuracy = minAccuracy
            self.minCost = minCost
        }
    }

    /// The area `points` (cost, accuracy) dominate within `reference`; dominated points and
    /// points beyond the reference add nothing.
    public static func area(of points: [(cost: Double, accuracy: Double)], reference: Reference) -> Double {
        let ps = points.filter { $0.cost.isFinite && $0.accuracy.isFinite && $0.cost <= reference.maxCost }
            .sorted { $0.cost < $1.cost }
        var area = 0.0, best = reference.minAccuracy
        for (i, p) in ps.enumerated() {
            best = max(best, p.accuracy)
            let from = max(p.cost, reference.minCost)
            let to = min(i + 1 < ps.count ? ps[i + 1].cost : reference.maxCost, reference.maxCost)
            if to > from { area += (to - from) * (best - reference.minAccuracy) }
        }
        return area
    }
}
