/// A set of subnets of one supernet: which values each choice may take, how many subnets there
/// are, and the operators that sample and vary them without leaving the set.
///
/// ```swift
/// let space = try SpaceCatalog.space(named: "compofa-mbv3-w1.2", resolutions: [160, 176, 192, 208, 224])
/// space.size                         // 1215
/// var rng = SeededGenerator(seed: 1)
/// let arch = space.sample(using: &rng)
/// try space.validate(arch)
/// ```
public protocol SearchSpace: Sendable, CustomStringConvertible {
    /// Catalogue name, e.g. `ofa-mbv3-w1.2`.
    var name: String { get }
    var width: NetworkWidth { get }
    /// Allowed input resolutions, ascending.
    var resolutions: [Int] { get }
    /// Allowed depths per unit, ascending.
    var depthChoices: [Int] { get }
    /// Kernel sizes a block of `unit` may take, ascending.
    func kernelChoices(unit: Int) -> [Int]
    /// Expand ratios a block of `unit` may take in a unit of depth `depth`, ascending.
    func expandChoices(unit: Int, depth: Int) -> [Int]
    /// Whether a unit's expand ratio is fixed by its depth (CompOFA's compound coupling).
    var couplesDepthAndExpand: Bool { get }

    /// Number of subnets per resolution (exact).
    var sizePerResolution: UInt128 { get }

    /// Draws a subnet the way OFA's `ArchManager.random_sample` does: every choice uniform and
    /// independent (depth uniform per unit, so shallow units are over-represented).
    func sample(using rng: inout SeededGenerator) -> Architecture
    /// Draws a subnet uniformly from all subnets of the space.
    func sampleUniformly(using rng: inout SeededGenerator) -> Architecture
    /// OFA's mutation: resample the resolution, each block's (kernel, expand) and each unit's depth,
    /// each with probability `probability`. Coupled spaces move a unit's depth and expand together.
    func mutate(_ arch: Architecture, probability: Double, using rng: inout SeededGenerator) -> Architecture
    /// Uniform crossover. Coupled spaces take each unit whole from one parent.
    func crossover(_ a: Architecture, _ b: Architecture, using rng: inout SeededGenerator) -> Architecture
}

extension SearchSpace {
    /// Total number of subnets (exact; exceeds `UInt64` for OFA spaces).
    public var size: UInt128 { sizePerResolution * UInt128(resolutions.count) }

    public var description: String {
        resolutions.count == 1 ? "\(name) @ r\(resolutions[0])" : "\(name) @ r\(resolutions.map(String.init).joined(separator: ","))"
    }

    /// Checks that every choice of `arch` is allowed here; the error names the field.
    public func validate(_ arch: Architecture) throws(SpaceError) {
        guard resolutions.contains(arch.resolution) else {
            throw .notInSpace(space: name, field: "r", value: arch.resolution, allowed: resolutions)
        }
        for unit in 0..<Architecture.unitCount {
            let depth = arch.depth(unit: unit)
            guard depthChoices.contains(depth) else {
                throw .notInSpace(space: name, field: "d[\(unit)]", value: depth, allowed: depthChoices)
            }
            let kernels = kernelChoices(unit: unit)
            let expands = expandChoices(unit: unit, depth: depth)
            for j in 0..<depth {
                let b = unit * Architecture.maxDepth + j
                guard kernels.contains(arch.kernelSize(block: b)) else {
                    throw .notInSpace(space: name, field: "ks[\(b)]", value: arch.kernelSize(block: b), allowed: kernels)
                }
                guard expands.contains(arch.expandRatio(block: b)) else {
                    throw .notInSpace(space: name, field: "e[\(b)]", value: arch.expandRatio(block: b), allowed: expands)
                }
            }
        }
    }

    public func contains(_ arch: Architecture) -> Bool { (try? validate(arch)) != nil }

    /// Every subnet of the space, resolution by resolution; refused when there are more than
    /// `limit` of them.
    public func enumerate(limit: UInt128 = 5_000_000) throws(SpaceError) -> [Architecture] {
        guard size <= limit else { throw .tooLargeToEnumerate(space: name, size: size, limit: limit) }
        // Per unit: every (depth, blocks) configuration.
        var unitOptions: [[[(kernel: Int, expand: Int)]]] = []
        for unit in 0..<Architecture.unitCount {
            var options: [[(kernel: Int, expand: Int)]] = []
            for depth in depthChoices {
                var partial: [[(kernel: Int, expand: Int)]] = [[]]
                let choices = kernelChoices(unit: unit).flatMap { k in
                    expandChoices(unit: unit, depth: depth).map { (kernel: k, expand: $0) }
                }
                for _ in 0..<depth {
                    partial = partial.flatMap { prefix in
                        choices.compactMap { c -> [(kernel: Int, expand: Int)]? in
                            // Coupled spaces share one expand ratio across the unit.
                            if couplesDepthAndExpand, let first = prefix.first, first.expand != c.expand { return nil }
                            return prefix + [c]
                        }
                    }
                }
                options += partial
            }
            unitOptions.append(options)
        }
        var out: [Architecture] = []
        out.reserveCapacity(Int(size))
        for r in resolutions {
            var index = [Int](repeating: 0, count: Architecture.unitCount)
            while true {
                out.append(Architecture(units: (0..<Architecture.unitCount).map { unitOptions[$0][index[$0]] }, resolution: r))
                var u = Architecture.unitCount - 1
                while u >= 0 {
                    index[u] += 1
                    if index[u] < unitOptions[u].count { break }
                    index[u] = 0; u -= 1
                }
                if u < 0 { break }
            }
        }
        return out
    }

    /// The cheapest subnet at each resolution under a monotone cost (smallest kernels, expand
    /// ratios and depths); with a fixed-kernel space it is the smallest allowed kernel too.
    public func smallest(resolution: Int) -> Architecture {
        extreme(resolution: resolution) { $0.first! }
    }

    /// The largest subnet at a resolution.
    public func largest(resolution: Int) -> Architecture {
        extreme(resolution: resolution) { $0.last! }
    }

    private func extreme(resolution: Int, pick: ([Int]) -> Int) -> Architecture {
        let units = (0..<Architecture.unitCount).map { unit -> [(kernel: Int, expand: Int)] in
            let depth = pick(depthChoices)
            return Array(repeating: (kernel: pick(kernelChoices(unit: unit)), expand: pick(expandChoices(unit: unit, depth: depth))), count: depth)
        }
        return Architecture(units: units, resolution: resolution)
    }
}

/// An architecture or request outside a space.
public enum SpaceError: Error, Equatable, CustomStringConvertible {
    case notInSpace(space: String, field: String, value: Int, allowed: [Int])
    case unknownSpace(String, known: [String])
    case resolutionsOutsideSpace(space: String, given: [Int], allowed: [Int])
    case tooLargeToEnumerate(space: String, size: UInt128, limit: UInt128)

    public var description: String {
        switch self {
        case let .notInSpace(space, field, value, allowed):
            "field '\(field)' = \(value) is not allowed in \(space); expected one of \(allowed.map(String.init).joined(separator: ", "))"
        case let .unknownSpace(name, known):
            "unknown space '\(name)'; known spaces: \(known.joined(separator: ", "))"
        case let .resolutionsOutsideSpace(space, given, allowed):
            "resolutions \(given.filter { !allowed.contains($0) }) are not in \(space) (allowed: \(allowed.first!)...\(allowed.last!) step \(allowed.count > 1 ? allowed[1] - allowed[0] : 0))"
        case let .tooLargeToEnumerate(space, size, limit):
            "\(space) has \(size) subnets, more than the \(limit) that exhaustive search enumerates; use evolutionary or random search"
        }
    }
}
