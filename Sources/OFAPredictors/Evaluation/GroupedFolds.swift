import OFACore

/// Deterministic grouped k-fold assignment: every occurrence of one canonical architecture
/// (same blocks, depths and resolution) lands in the same fold, so a subnet measured twice never
/// sits on both sides of a split.
///
/// Groups are taken in order of first appearance, shuffled with a ``SeededGenerator`` and dealt
/// round-robin, so folds have near-equal numbers of groups and the same seed always gives the
/// same folds.
///
/// ```swift
/// let folds = GroupedFolds(archs, k: 5, seed: 0)
/// let (train, test) = folds.split(2)   // row indices
/// ```
public struct GroupedFolds: Sendable {
    public let k: Int
    /// Fold of each row.
    public let foldOfRow: [Int]

    public init(_ archs: [Architecture], k: Int = 5, seed: UInt64 = 0) {
        precondition(k >= 2)
        self.k = k
        var groupOf: [Architecture: Int] = [:]
        var rowGroup = [Int](repeating: 0, count: archs.count)
        for (i, a) in archs.enumerated() {
            if let g = groupOf[a] { rowGroup[i] = g } else { rowGroup[i] = groupOf.count; groupOf[a] = groupOf.count }
        }
        var order = Array(0..<groupOf.count)
        var rng = SeededGenerator(seed: seed)
        // Fisher–Yates written out so the permutation never depends on the standard library's.
        if order.count > 1 {
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                let j = Int(rng.next() % UInt64(i + 1))
                order.swapAt(i, j)
            }
        }
        var foldOfGroup = [Int](repeating: 0, count: order.count)
        for (position, g) in order.enumerated() { foldOfGroup[g] = position % k }
        foldOfRow = rowGroup.map { foldOfGroup[$0] }
    }

    /// Row indices used for training and for testing in fold `fold`.
    public func split(_ fold: Int) -> (train: [Int], test: [Int]) {
        var train: [Int] = [], test: [Int] = []
        for (i, f) in foldOfRow.enumerated() { if f == fold { test.append(i) } else { train.append(i) } }
        return (train, test)
    }
}
