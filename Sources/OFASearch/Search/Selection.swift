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
        let order = population.indices.sorted { i, j in
            let a = population[i].accuracy, b = population[j].accuracy
            return a > b || (a == b && i > j)
        }
        return order.prefix(count).map { population[$0] }
    }
}
