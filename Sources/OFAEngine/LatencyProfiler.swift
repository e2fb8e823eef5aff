import OFACore

/// Measures every layer configuration a space can need on this CPU and builds a
/// ``ProfiledLatencyTable``.
///
/// Layers are timed where they run for real: inside whole subnets executed by the engine, with
/// the clock read between layers, so each timing includes the cache state a layer meets in an
/// end-to-end run (weights cold in L1/L2, its input just written by the previous layer). For each
/// resolution the profiler builds subnets (resolutions taking turns) until every key of that
/// resolution has at least `minSamples` timings, choosing each block's (kernel, expand) as the least-sampled key so far;
/// each subnet runs `warmup` untimed passes and then `runsPerSubnet` timed ones. Keys shared
/// between resolutions (deeper units, the head) pool their samples.
///
/// ```swift
/// let profiler = LatencyProfiler(space: try SpaceCatalog.space(named: "ofa-mbv3-w1.0"))
/// let table = profiler.profile { print($0) }
/// try table.write(to: "cpu-lut")
/// ```
public struct LatencyProfiler: Sendable {
    public let space: any SearchSpace
    /// Timings each key gets at least (per resolution that needs it).
    public var minSamples: Int
    public var runsPerSubnet: Int
    public var warmup: Int
    public var seed: UInt64
    /// The clock layers are timed with (see ``Stopwatch``).
    public var clock: Stopwatch
    /// Safety bound on subnets built per resolution.
    public var maxSubnetsPerResolution = 5000

    public init(space: any SearchSpace, minSamples: Int = 20, runsPerSubnet: Int = 5, warmup: Int = 1, seed: UInt64 = 0,
                clock: Stopwatch = .threadCPU) {
        self.space = space; self.minSamples = minSamples; self.runsPerSubnet = runsPerSubnet
        self.warmup = warmup; self.seed = seed; self.clock = clock
    }

    /// Progress after each subnet: the resolution it served, subnets built so far (all
    /// resolutions), resolutions finished.
    public struct Step: Sendable {
        public let resolutionIndex: Int, resolutionCount: Int, resolution: Int, subnets: Int, done: Int, seconds: Double
        public var line: String {
            "\(done)/\(resolutionCount) resolutions done; \(subnets) subnets run (last r\(resolution)), \(Int(seconds)) s"
        }
    }

    /// Every layer a subnet of the space at resolution `r` can contain.
    public func requiredLayers(resolution r: Int) -> [LayerSpec] {
        var seen = Set<LayerSpec>()
        var out: [LayerSpec] = []
        func add(_ s: LayerSpec) { if seen.insert(s).inserted { out.append(s) } }
        // The plans of the smallest and largest subnets give the fixed layers.
        for l in NetworkPlan(architecture: space.smallest(resolution: r), width: space.width).layers {
            if case .block = l { continue }
            add(l)
        }
        var size = EngineKernels.outputSize(r, kernel: 3, stride: 2)
        let w = space.width
        add(.block(MBConvSpec(size: size, inChannels: w.stemChannels, outChannels: w.stemChannels, mid: w.stemChannels,
                              kernel: 3, stride: 1, squeezeExcite: false, hSwish: false)))
        for unit in 0..<Architecture.unitCount {
            let stride = NetworkWidth.unitStrides[unit]
            for j in 0..<Architecture.maxDepth {
                let depths = space.depthChoices.filter { $0 > j }
                let expands = Set(depths.flatMap { space.expandChoices(unit: unit, depth: $0) }).sorted()
                for k in space.kernelChoices(unit: unit) {
                    for e in expands {
                        add(.block(blockSpec(unit: unit, j: j, size: j == 0 ? size : EngineKernels.outputSize(size, kernel: 3, stride: stride),
                                             kernel: k, expand: e)))
                    }
                }
            }
            size = EngineKernels.outputSize(size, kernel: 3, stride: stride)
        }
        return out
    }

    func blockSpec(unit: Int, j: Int, size: Int, kernel: Int, expand: Int) -> MBConvSpec {
        let w = space.width
        let input = w.inputChannels(unit: unit, blockInUnit: j)
        return MBConvSpec(size: size, inChannels: input, outChannels: w.unitChannels[unit],
                          mid: NetworkWidth.midChannels(input: input, expand: expand), kernel: kernel,
                          stride: j == 0 ? NetworkWidth.unitStrides[unit] : 1,
                          squeezeExcite: NetworkWidth.unitUsesSE[unit], hSwish: NetworkWidth.unitUsesHSwish[unit])
    }

    /// Profiles every resolution of the space. `header` lines are recorded in the table.
    ///
    /// Resolutions take turns (one subnet each per round) rather than being profiled one after
    /// another, so a slow drift of the machine's speed (other jobs, clock frequency) spreads over
    /// all resolutions instead of biasing some of them.
    public func profile(header: [String] = [], progress: ((Step) -> Void)? = nil) -> ProfiledLatencyTable {
        var samples: [String: [Double]] = [:]
        var keysByResolution: [Int: [String]] = [:]
        // Counts per resolution, so every resolution gets its own subnets' context.
        var counts: [[String: Int]] = []
        for r in space.resolutions {
            let required = requiredLayers(resolution: r).map(\.tableKey)
            keysByResolution[r] = required
            counts.append(Dictionary(uniqueKeysWithValues: required.map { ($0, 0) }))
        }
        var subnets = [Int](repeating: 0, count: space.resolutions.count)
        var rng = SeededGenerator(seed: seed)
        let start = Stopwatch.now()
        var subnetSeed: UInt64 = 0
        func unfinished(_ ri: Int) -> Bool {
            (counts[ri].values.min() ?? minSamples) < minSamples && subnets[ri] < maxSubnetsPerResolution
        }
        while space.resolutions.indices.contains(where: unfinished) {
            for (ri, r) in space.resolutions.enumerated() where unfinished(ri) {
                let arch = steeredSample(resolution: r, counts: counts[ri], rng: &rng)
                let network = EngineNetwork(architecture: arch, width: space.width, seed: subnetSeed)
                subnetSeed &+= 1
                let keys = network.plan.tableKeys
                var times = [Double](repeating: 0, count: keys.count)
                for _ in 0..<warmup { network.forward() }
                for _ in 0..<runsPerSubnet {
                    network.timedForward(layerTimes: &times, clock: clock)
                    for (key, t) in zip(keys, times) {
                        samples[key, default: []].append(t)
                        counts[ri][key]? += 1
                    }
                }
                subnets[ri] += 1
                progress?(Step(resolutionIndex: ri, resolutionCount: space.resolutions.count, resolution: r,
                                   subnets: subnets.reduce(0, +), done: space.resolutions.indices.filter { !unfinished($0) }.count,
                                   seconds: Double(Stopwatch.now() &- start) * 1e-9))
            }
        }
        let entries = samples.mapValues { LatencyStats(samples: $0) }
        return ProfiledLatencyTable(entries: entries, keysByResolution: keysByResolution, header: header)
    }

    /// A subnet of the space at `r` whose blocks take the least-sampled keys (random depths; ties
    /// broken at random), so every key is covered after a few subnets.
    func steeredSample(resolution r: Int, counts: [String: Int], rng: inout SeededGenerator) -> Architecture {
        var units: [[(kernel: Int, expand: Int)]] = []
        var size = EngineKernels.outputSize(r, kernel: 3, stride: 2)
        for unit in 0..<Architecture.unitCount {
            let depth = space.depthChoices[Int.random(in: 0..<space.depthChoices.count, using: &rng)]
            var blocks: [(kernel: Int, expand: Int)] = []
            var inSize = size
            for j in 0..<depth {
                var best: [(kernel: Int, expand: Int)] = []
                var bestCount = Int.max
                for k in space.kernelChoices(unit: unit) {
                    for e in space.expandChoices(unit: unit, depth: depth) {
                        if space.couplesDepthAndExpand, let first = blocks.first, first.expand != e { continue }
                        let n = counts[blockSpec(unit: unit, j: j, size: inSize, kernel: k, expand: e).tableKey] ?? 0
                        if n < bestCount { bestCount = n; best = [] }
                        if n == bestCount { best.append((k, e)) }
                    }
                }
                blocks.append(best[Int.random(in: 0..<best.count, using: &rng)])
                if j == 0 { inSize = EngineKernels.outputSize(inSize, kernel: 3, stride: NetworkWidth.unitStrides[unit]) }
            }
            units.append(blocks)
            size = inSize
        }
        return Architecture(units: units, resolution: r)
    }
}
