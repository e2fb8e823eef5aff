import Foundation
import OFACore

/// A kernel ridge regression (the posterior mean of a Gaussian process) over architectures, fitted
/// to the accuracies a surrogate-assisted search has paid for.
///
/// Features are OFA's one-hot choices: for each active block its kernel size and its expand ratio,
/// and the resolution (the encoding OFA's accuracy MLP reads). Two architectures share `m` of
/// these slots; the kernel is a linear part plus a radial part over the Hamming distance,
///
///     k(a, b) = m / slots + exp(−γ · (|a| + |b| − 2m)),
///
/// so the model is additive in the choices far from the data (the linear part; a ridge on one-hot
/// features ranks random OFA subnets at τ ≈ 0.91) and learns the interactions near what has been
/// evaluated (the radial part; near a good subnet it cut the error of the linear model by half and
/// more in the measurements of docs/surrogate.md). Each architecture's slots are the bits of a
/// 256-bit word, so one kernel value is an AND and a population count.
///
/// Points are added incrementally: the Cholesky factor of K + λI grows by one row per point
/// (O(n²) each), so fitting after every batch costs what one factorization at the end would.
/// Targets are standardized (mean and standard deviation of what was added) before solving, so
/// `ridge` is in units of the accuracies' variance.
///
/// ```swift
/// var model = try KernelRidgeSurrogate(space: space)
/// try model.add(archs, accuracies: truth)
/// let guesses = model.predict(candidates)
/// ```
public struct KernelRidgeSurrogate: Sendable {
    /// Width of the radial part: its value for two architectures differing in one choice is
    /// exp(−2γ).
    public var gamma: Double
    /// Ridge (noise) term λ, in standardized units.
    public var ridge: Double

    /// An architecture as the bits of its one-hot slots (``SlotCode``), its resolution and its
    /// number of active slots.
    private struct Point {
        var bits: SIMD4<UInt64>
        var resolution: Int
        var slots: Int
    }

    private var points: [Point] = []
    private var targets: [Double] = []
    /// Rows of the lower-triangular Cholesky factor, packed: row i starts at i(i+1)/2.
    private var factor: [Double] = []
    private var weights: [Double] = []
    private var mean = 0.0
    private var scale = 1.0
    /// exp(−γ d) for every Hamming distance d an architecture pair can have.
    private var radial: [Double] = []

    private let code: SlotCode

    /// Throws when `space` has more (block, choice) slots than the encoding holds (256: the
    /// catalogued spaces have at most 160).
    public init(space: any SearchSpace, gamma: Double = SurrogateSearch.Defaults.gamma, ridge: Double = SurrogateSearch.Defaults.ridge) throws {
        self.gamma = gamma
        self.ridge = ridge
        code = try SlotCode(space: space)
        radial = (0...(2 * (2 * Architecture.blockCount + 1))).map { exp(-gamma * Double($0)) }
    }

    /// Points fitted so far.
    public var count: Int { points.count }

    /// Adds evaluated architectures and refits (the new rows of the factor, then the weights).
    public mutating func add(_ archs: [Architecture], accuracies: [Double]) throws {
        precondition(archs.count == accuracies.count)
        for (arch, y) in zip(archs, accuracies) {
            let p = code.point(arch)
            let n = points.count
            var row = [Double](repeating: 0, count: n + 1)
            // Forward substitution: row · (earlier rows)ᵀ = the kernel column.
            factor.withUnsafeBufferPointer { l in
                for j in 0..<n {
                    var s = kernel(p, points[j])
                    let start = j * (j + 1) / 2
                    for q in 0..<j { s -= l[start + q] * row[q] }
                    row[j] = s / l[start + j]
                }
            }
            var diagonal = kernel(p, p) + ridge
            for q in 0..<n { diagonal -= row[q] * row[q] }
            // A new point that repeats an earlier one up to the ridge: λ keeps this positive in
            // exact arithmetic; rounding could not, except for a duplicate, which callers avoid.
            guard diagonal > 1e-12 else { throw SurrogateError.singular(points: n + 1) }
            row[n] = diagonal.squareRoot()
            factor += row
            points.append(p)
            targets.append(y)
        }
        solve()
    }

    /// Predicted accuracies (in the units they were added in).
    public func predict(_ archs: [Architecture]) -> [Double] {
        archs.map { predict($0) }
    }

    /// One prediction: the training mean where nothing was fitted.
    public func predict(_ arch: Architecture) -> Double {
        guard !points.isEmpty else { return mean }
        let p = code.point(arch)
        var s = 0.0
        for j in points.indices { s += weights[j] * kernel(p, points[j]) }
        return mean + scale * s
    }

    @inline(__always)
    private func kernel(_ a: Point, _ b: Point) -> Double {
        let shared = Int((a.bits & b.bits).nonzeroBitCount.wrappedSum()) + (a.resolution == b.resolution ? 1 : 0)
        return Double(shared) / SlotCode.normalizer + radial[a.slots + b.slots - 2 * shared]
    }

    /// Numbers each (block, kernel size) and (block, expand ratio) a space allows with a bit.
    private struct SlotCode: Sendable {
        static let capacity = 256
        static let normalizer = Double(2 * Architecture.blockCount + 1)
        /// Bit of (block, value) at [block × 16 + value], for kernels and for expands; −1 if none.
        private var kernelBit = [Int16](repeating: -1, count: Architecture.blockCount * 16)
        private var expandBit = [Int16](repeating: -1, count: Architecture.blockCount * 16)

        init(space: any SearchSpace) throws {
            var next = 0
            for u in 0..<Architecture.unitCount {
                let expands = Set(space.depthChoices.flatMap { space.expandChoices(unit: u, depth: $0) }).sorted()
                for j in 0..<Architecture.maxDepth {
                    let b = u * Architecture.maxDepth + j
                    for k in space.kernelChoices(unit: u) where k < 16 { kernelBit[b * 16 + k] = Int16(next); next += 1 }
                    for e in expands where e < 16 { expandBit[b * 16 + e] = Int16(next); next += 1 }
                }
            }
            guard next <= Self.capacity else {
                throw SearchError.invalidSetting("space \(space.name) has \(next) block choices; the surrogate's encoding holds \(Self.capacity)")
            }
        }

        /// A choice outside the space counts as a slot but sets no bit: it matches nothing.
        func point(_ arch: Architecture) -> Point {
            var bits = SIMD4<UInt64>()
            var active = 0
            for u in 0..<Architecture.unitCount {
                for j in 0..<arch.depth(unit: u) {
                    let b = u * Architecture.maxDepth + j
                    active += 1
                    let k = kernelBit[b * 16 + arch.kernelSize(block: b) & 15], e = expandBit[b * 16 + arch.expandRatio(block: b) & 15]
                    if k >= 0 { bits[Int(k) >> 6] |= 1 << UInt64(k & 63) }
                    if e >= 0 { bits[Int(e) >> 6] |= 1 << UInt64(e & 63) }
                }
            }
            return Point(bits: bits, resolution: arch.resolution, slots: 2 * active + 1)
        }
    }

    /// Weights from the factor: (K + λI) w = standardized targets.
    private mutating func solve() {
        let n = targets.count
        mean = targets.reduce(0, +) / Double(n)
        let variance = targets.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(1, n - 1))
        scale = variance > 0 ? variance.squareRoot() : 1
        var z = targets.map { ($0 - mean) / scale }
        factor.withUnsafeBufferPointer { l in
            for i in 0..<n {
                let start = i * (i + 1) / 2
                var s = z[i]
                for q in 0..<i { s -= l[start + q] * z[q] }
                z[i] = s / l[start + i]
            }
            for i in stride(from: n - 1, through: 0, by: -1) {
                var s = z[i]
                for j in (i + 1)..<max(i + 1, n) { s -= l[j * (j + 1) / 2 + i] * z[j] }
                z[i] = s / l[i * (i + 1) / 2 + i]
            }
        }
        weights = z
    }
}

/// A surrogate-assisted search that cannot go on; says why in one line.
public enum SurrogateError: Error, CustomStringConvertible, Equatable {
    case singular(points: Int)

    public var description: String {
        switch self {
        case let .singular(points): "the surrogate's kernel matrix became singular at \(points) points (a repeated architecture?)"
        }
    }
}
