import OFACore

/// The accuracy–cost Pareto front of the candidates inserted so far: no member is both cheaper
/// or as cheap and at least as accurate as another. Members are kept by ascending cost (and so
/// ascending accuracy); among equal points the first inserted stays.
///
/// ```swift
/// var front = ParetoFront()
/// front.insert(candidate)
/// front.members   // cheapest first
/// ```
public struct ParetoFront: Sendable {
    public private(set) var members: [Candidate] = []

    public init() {}

    public init(_ candidates: some Sequence<Candidate>) {
        for c in candidates { insert(c) }
    }

    /// Adds `c` unless a member dominates or equals it; drops members it dominates. Returns
    /// whether it was added.
    @discardableResult
    public mutating func insert(_ c: Candidate) -> Bool {
        guard c.accuracy.isFinite, c.efficiency.isFinite else { return false }
        // First member costlier than c.
        var lo = 0, hi = members.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if members[mid].efficiency <= c.efficiency { lo = mid + 1 } else { hi = mid }
        }
        if lo > 0, members[lo - 1].accuracy >= c.accuracy { return false }
        var start = lo
        if lo > 0, members[lo - 1].efficiency == c.efficiency { start = lo - 1 }
        var end = lo
        while end < members.count, members[end].accuracy <= c.accuracy { end += 1 }
        members.replaceSubrange(start..<end, with: CollectionOfOne(c))
        return true
    }

    /// The most accurate member that costs at most `budget`.
    public func best(within budget: Double) -> Candidate? {
        members.last { $0.efficiency <= budget }
    }

    /// The area dominated by the front up to the reference point (`maxCost`, `minAccuracy`):
    /// the hypervolume of the two-objective problem (minimise cost, maximise accuracy).
    public func hypervolume(maxCost: Double, minAccuracy: Double) -> Double {
        var area = 0.0
        for (i, m) in members.enumerated() where m.efficiency <= maxCost && m.accuracy > minAccuracy {
            let next = i + 1 < members.count ? min(members[i + 1].efficiency, maxCost) : maxCost
            area += (next - m.efficiency) * (m.accuracy - minAccuracy)
        }
        return area
    }
}
