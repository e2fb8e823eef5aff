/// CompOFA's compound space: a unit's depth fixes its expand ratio (d2→e3, d3→e4, d4→e6), and the
/// kernel size is either fixed per unit (3, 5, 3, 3, 5: 243 subnets per resolution) or elastic.
///
/// ```swift
/// let space = CompOFASpace(width: .w1_2, kernels: .fixed, resolutions: [160, 176, 192, 208, 224])
/// space.size                       // 1215
/// let all = try space.enumerate()  // every subnet, for exhaustive search
/// ```
public struct CompOFASpace: SearchSpace {
    public enum Kernels: Sendable, Hashable {
        /// CompOFA's fixed-kernel supernet: one kernel size per unit.
        case fixed
        /// Kernel size free per block among 3, 5, 7.
        case elastic
    }

    /// Kernel size per unit in the fixed-kernel supernet.
    public static let fixedKernels = [3, 5, 3, 3, 5]
    /// Expand ratio implied by each depth.
    public static let expandForDepth = [2: 3, 3: 4, 4: 6]

    public let width: NetworkWidth
    public let kernels: Kernels
    public let resolutions: [Int]
    public let depthChoices = [2, 3, 4]
    private static let elasticKernels = [3, 5, 7]

    public init(width: NetworkWidth, kernels: Kernels, resolutions: [Int]) {
        precondition(!resolutions.isEmpty)
        self.width = width
        self.kernels = kernels
        self.resolutions = resolutions.sorted()
    }

    public var name: String { kernels == .fixed ? "compofa-mbv3-\(width.name)" : "compofa-elastic-mbv3-\(width.name)" }
    public var couplesDepthAndExpand: Bool { true }

    public func kernelChoices(unit: Int) -> [Int] {
        kernels == .fixed ? [Self.fixedKernels[unit]] : Self.elasticKernels
    }

    public func expandChoices(unit: Int, depth: Int) -> [Int] { [Self.expandForDepth[depth]!] }

    public var sizePerResolution: UInt128 {
        let k = UInt128(kernels == .fixed ? 1 : Self.elasticKernels.count)
        var perUnit: UInt128 = 0
        for d in depthChoices { perUnit += (0..<d).reduce(1) { acc, _ in acc * k } }
        return (0..<Architecture.unitCount).reduce(1) { acc, _ in acc * perUnit }
    }

    @inline(__always)
    private func randomKernel(unit: Int, using rng: inout SeededGenerator) -> Int {
        switch kernels {
        case .fixed: Self.fixedKernels[unit]
        case .elastic: Self.elasticKernels[Int.random(in: 0..<3, using: &rng)]
        }
    }

    /// Sets a unit's depth and the expand ratio of all its blocks; new blocks get random kernels.
    private func setUnit(_ arch: inout Architecture, unit: Int, depth: Int, using rng: inout SeededGenerator) {
        let expand = Self.expandForDepth[depth]!
        arch.setDepth(unit: unit, to: depth) { _ in (randomKernel(unit: unit, using: &rng), expand) }
        for j in 0..<depth {
            let b = unit * Architecture.maxDepth + j
            arch.setBlock(b, kernel: arch.kernelSize(block: b), expand: expand)
        }
    }

    private func random(resolution: Int, depth: (inout SeededGenerator) -> Int, using rng: inout SeededGenerator) -> Architecture {
        var units: [[(kernel: Int, expand: Int)]] = []
        units.reserveCapacity(Architecture.unitCount)
        for u in 0..<Architecture.unitCount {
            let d = depth(&rng)
            let expand = Self.expandForDepth[d]!
            units.append((0..<d).map { _ in (randomKernel(unit: u, using: &rng), expand) })
        }
        return Architecture(units: units, resolution: resolution)
    }

    public func sample(using rng: inout SeededGenerator) -> Architecture {
        let depths = depthChoices
        return random(resolution: resolutions[Int.random(in: 0..<resolutions.count, using: &rng)],
                      depth: { rng in depths[Int.random(in: 0..<depths.count, using: &rng)] }, using: &rng)
    }

    public func sampleUniformly(using rng: inout SeededGenerator) -> Architecture {
        let k = Double(kernels == .fixed ? 1 : Self.elasticKernels.count)
        let weights = depthChoices.map { d in (0..<d).reduce(1.0) { acc, _ in acc * k } }
        let depths = depthChoices
        return random(resolution: resolutions[Int.random(in: 0..<resolutions.count, using: &rng)],
                      depth: { rng in depths[weightedIndex(weights, using: &rng)] }, using: &rng)
    }

    public func mutate(_ arch: Architecture, probability p: Double, using rng: inout SeededGenerator) -> Architecture {
        var child = arch
        if rng.nextUnit() < p { child.resolution = resolutions[Int.random(in: 0..<resolutions.count, using: &rng)] }
        if kernels == .elastic {
            for b in 0..<Architecture.blockCount where rng.nextUnit() < p {
                child.setBlock(b, kernel: randomKernel(unit: b / Architecture.maxDepth, using: &rng), expand: child.expandRatio(block: b))
            }
        }
        for u in 0..<Architecture.unitCount where rng.nextUnit() < p {
            setUnit(&child, unit: u, depth: depthChoices[Int.random(in: 0..<depthChoices.count, using: &rng)], using: &rng)
        }
        return child
    }

    public func crossover(_ a: Architecture, _ b: Architecture, using rng: inout SeededGenerator) -> Architecture {
        var child = a
        child.resolution = rng.next() & 1 == 0 ? a.resolution : b.resolution
        for u in 0..<Architecture.unitCount where rng.next() & 1 != 0 {
            let depth = b.depth(unit: u)
            child.setDepth(unit: u, to: depth) { _ in (0, 0) }
            for j in 0..<depth {
                let block = u * Architecture.maxDepth + j
                child.setBlock(block, kernel: b.kernelSize(block: block), expand: b.expandRatio(block: block))
            }
        }
        return child
    }
}
