import OFACore

/// NSGA-II's ranking of points with two objectives (minimise cost, maximise accuracy):
/// non-dominated fronts and crowding distances.
///
/// ```swift
/// let pts = [(cost: 10.0, accuracy: 0.7), (cost: 20, accuracy: 0.8), (cost: 20, accuracy: 0.75)]
/// NonDominatedSorting.fronts(pts)                 // [[0, 1], [2]]
/// NonDominatedSorting.crowding(pts, front: [0, 1])  // [inf, inf]
/// ```
public enum NonDominatedSorting {
    /// Whether `a` dominates `b`: no worse in both objectives and better in one.
    @inline(__always)
    public static func dominates(_ a: (cost: Double, accuracy: Double), _ b: (cost: Double, accuracy: Double)) -> Bool {
        a.cost <= b.cost && a.accuracy >= b.accuracy && (a.cost < b.cost || a.accuracy > b.accuracy)
    }

    /// The fronts, best first, each listing indices into `points` in ascending order: front 0 is
    /// the points no other dominates, front 1 those only front 0 dominates, and so on (Deb's
    /// fast non-dominated sort).
    public static func fronts(_ points: [(cost: Double, accuracy: Double)]) -> [[Int]] {
        let n = points.count
        var dominatedBy = [Int](repeating: 0, count: n)
        var dominating = [[Int]](repeating: [], count: n)
        for i in 0..<n {
            for j in (i + 1)..<max(i + 1, n) {
                if dominates(points[i], points[j]) { dominating[i].append(j); dominatedBy[j] += 1 }
                else if dominates(points[j], points[i]) { dominating[j].append(i); dominatedBy[i] += 1 }
            }
        }
        var fronts: [[Int]] = []
        var current = (0..<n).filter { dominatedBy[$0] == 0 }
        while !current.isEmpty {
            fronts.append(current)
            var next: [Int] = []
            for i in current {
                for j in dominating[i] {
                    dominatedBy[j] -= 1
                    if dominatedBy[j] == 0 { next.append(j) }
                }
            }
            current = next.sorted()
        }
        return fronts
    }

    /// Crowding distance of each member of `front` (same order): the sum over both objectives of
    /// the normalised gap between its neighbours; the extremes of each objective get infinity.
    public static func crowding(_ points: [(cost: Double, accuracy: Double)], front: [Int]) -> [Double] {
        var distance = [Double](repeating: 0, count: front.count)
        guard front.count > 2 else { return distance.map { _ in .infinity } }
        for objective in 0..<2 {
            let value: (Int) -> Double = { objective == 0 ? points[front[$0]].cost : points[front[$0]].accuracy }
            let order = front.indices.sorted { value($0) != value($1) ? value($0) < value($1) : $0 < $1 }
            let lo = value(order.first!), hi = value(order.last!)
            distance[order.first!] = .infinity
            distance[order.last!] = .infinity
            guard hi > lo else { continue }
            for k in 1..<(order.count - 1) {
                distance[order[k]] += (value(order[k + 1]) - value(order[k - 1])) / (hi - lo)
            }
        }
        return distance
    }
}
