/// OFA's MobileNetV3 space: depth {2,3,4} per unit, kernel {3,5,7} and expand {3,4,6} per block,
/// chosen independently.
///
/// ```swift
/// let space = OFASpace(width: .w1_2, resolutions: [224])
/// space.sizePerResolution   // 7371^5
/// ```
public struct OFASpace: SearchSpace {
    public let width: NetworkWidth
    public let resolutions: [Int]
    public let depthChoices = [2, 3, 4]
    public let kernels = [3, 5, 7]
    public let expands = [3, 4, 6]

    public init(width: NetworkWidth, resolutions: [Int]) {
        precondition(!resolutions.isEmpty)
        self.width = width
        self.resolutions = resolutions.sorted()
    }

    public var name: String { "ofa-mbv3-\(width.name)" }
    public var couplesDepthAndExpand: Bool { false }
    public func kernelChoices(unit: Int) -> [Int] { kernels }
    public func expandChoices(unit: Int, depth: Int) -> [Int] { expands }

    public var sizePerResolution: UInt128 {
        let perBlock = UInt128(kernels.count * expands.count)
        var perUnit: UInt128 = 0
        for d in depthChoices { perUnit += (0..<d).reduce(1) { acc, _ in acc * perBlock } }
        return (0..<Architecture.unitCount).reduce(1) { acc, _ in acc * perUnit }
    }

    @inline(__always)
    private func randomBlock(using rng: inout SeededGenerator) -> (kernel: Int, expand: Int) {
        (kernels[Int.random(in: 0..<kernels.count, using: &rng)], expands[Int.random(in: 0..<expands.count, using: &rng)])
    }

    public func sample(using rng: inout SeededGenerator) -> Architecture {
        let depths = depthChoices
        return randomArchitecture(resolution: resolutions[Int.random(in: 0..<resolutions.count, using: &rng)],
                                  depth: { rng in depths[Int.random(in: 0..<depths.count, using: &rng)] },
                                  using: &rng)
    }

    private func randomArchitecture(resolution: Int, depth: (inout SeededGenerator) -> Int,
                                    using rng: inout SeededGenerator) -> Architecture {
        var units: [[(kernel: Int, expand: Int)]] = []
        units.reserveCapacity(Architecture.unitCount)
        for _ in 0..<Architecture.unitCount {
            let d = depth(&rng)
            units.append((0..<d).map { _ in randomBlock(using: &rng) })
        }
        return Architecture(units: units, resolution: resolution)
    }

    public func sampleUniformly(using rng: inout SeededGenerator) -> Architecture {
        let perBlock = Double(kernels.count * expands.count)
        let weights = depthChoices.map { d in (0..<d).reduce(1.0) { acc, _ in acc * perBlock } }
        let depths = depthChoices
        return randomArchitecture(resolution: resolutions[Int.random(in: 0..<resolutions.count, using: &rng)],
                                  depth: { rng in depths[weightedIndex(weights, using: &rng)] },
                                  using: &rng)
    }

    public func mutate(_ arch: Architecture, probability p: Double, using rng: inout SeededGenerator) -> Architecture {
        var child = arch
        if rng.nextUnit() < p { child.resolution = resolutions[Int.random(in: 0..<resolutions.count, using: &rng)] }
        for b in 0..<Architecture.blockCount where rng.nextUnit() < p {
            let v = randomBlock(using: &rng)
            child.setBlock(b, kernel: v.kernel, expand: v.expand)
        }
        for u in 0..<Architecture.unitCount where rng.nextUnit() < p {
            let depth = depthChoices[Int.random(in: 0..<depthChoices.count, using: &rng)]
            child.setDepth(unit: u, to: depth) { _ in randomBlock(using: &rng) }
        }
        return child
    }

    public func crossover(_ a: Architecture, _ b: Architecture, using rng: inout SeededGenerator) -> Architecture {
        var child = a
        child.resolution = rng.next() & 1 == 0 ? a.resolution : b.resolution
        for u in 0..<Architecture.unitCount {
            let depth = rng.next() & 1 == 0 ? a.depth(unit: u) : b.depth(unit: u)
            child.setDepth(unit: u, to: depth) { _ in (3, 3) }
        }
        // Kernel and expand of each block come from either parent independently, as in OFA; a
        // parent that skips the block cannot give it, so the other one does.
        for block in 0..<Architecture.blockCount where child.isActive(block: block) {
            let fromA = a.isActive(block: block), fromB = b.isActive(block: block)
            func pick(_ x: Int, _ y: Int) -> Int? {
                switch (fromA, fromB) {
                case (true, true): rng.next() & 1 == 0 ? x : y
                case (true, false): x
                case (false, true): y
                case (false, false): nil
                }
            }
            let k = pick(a.kernelSize(block: block), b.kernelSize(block: block))
            let e = pick(a.expandRatio(block: block), b.expandRatio(block: block))
            if let k, let e {
                child.setBlock(block, kernel: k, expand: e)
            } else {
                let v = randomBlock(using: &rng)
                child.setBlock(block, kernel: v.kernel, expand: v.expand)
            }
        }
        return child
    }
}

@inline(__always)
func weightedIndex(_ weights: [Double], using rng: inout SeededGenerator) -> Int {
    let total = weights.reduce(0, +)
    var x = rng.nextUnit() * total
    for (i, w) in weights.enumerated() {
        if x < w { return i }
        x -= w
    }
    return weights.count - 1
}
