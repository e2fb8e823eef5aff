/// Chooses the parents of the next generation from a population.
public protocol Selection: Sendable {
    /// The `count` members that become parents, best first.
    func select(_ population: [Candidate], count: Int) -> [Candidate]
}

/// OFA's truncation selection: the `count` most accurate members. Among equal accuracies the
/// later member comes first, as OFA's stable ascending sort followed by a reversal gives.
///
/// ```swift
/// let parents = TopKSelection().select(population, count: 25)
/// ```
public struct TopKSelection: Selection {
    public init() {}

    public func select(_ population: [Candidate], count: Int) -> [Candidate] {
        guard count > 0 else { return [] }
        // Partial selection into a sorted buffer of the best `count` (index order breaks ties):
        // late in a search most children fall below the last parent after one comparison.
        var top: [(accuracy: Double, index: Int)] = []
        top.reserveCapacity(count + 1)
        @inline(__always) func better(_ a: (accuracy: Double, index: Int), _ b: (accuracy: Double, index: Int)) -> Bool {
            a.accuracy > b.accuracy || (a.accuracy == b.accuracy && a.index > b.index)
        }
        for i in population.indices {
            let key = (accuracy: population[i].accuracy, index: i)
            if top.count == count, !better(key, top[count - 1]) { continue }
            var lo = 0, hi = top.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if better(key, top[mid]) { hi = mid } else { lo = mid + 1 }
            }
            top.insert(key, at: lo)
            if top.count > count { top.removeLast() }
        }
        return top.map { population[$0.index] }
    }
}
