import OFACore

/// Random search: `samples` feasible random architectures (each drawn until it fits, bounded,
/// then repaired), predicted in batches; the most accurate is kept (the first drawn among equals).
///
/// ```swift
/// let result = try RandomSearch(samples: 10_000).search(problem, seed: 1)
/// ```
public struct RandomSearch: SearchStrategy {
    public var name: String { "random" }
    public var samples: Int
    /// Architectures per accuracy batch (one history entry each).
    public var batchSize: Int
    public var sampling: any Sampling
    public var maxTries: Int
    public var repair = ShrinkRepair()

    public init(samples: Int = 50_100, batchSize: Int = 100, sampling: any Sampling = SpaceSampling(), maxTries: Int = 100_000) {
        self.samples = samples
        self.batchSize = batchSize
        self.sampling = sampling
        self.maxTries = maxTries
    }

    public func validate() throws {
        try SearchSettings.check("samples", samples, 1...SearchSettings.maxSamples)
        guard batchSize >= 1 else { throw SearchError.invalidSetting("batch size must be at least 1, got \(batchSize)") }
        guard maxTries >= 1 else { throw SearchError.invalidSetting("max tries must be at least 1, got \(maxTries)") }
    }

    public func search(_ problem: SearchProblem, seed: UInt64) throws -> SearchResult {
        try validate()
        var run = try SearchRun(problem, seed: seed, maxTries: maxTries, repair: repair)
        let space = problem.space
        var archs: [Architecture] = [], costs: [Double] = []
        var done = 0, batch = 0
        while done < samples {
            archs.removeAll(keepingCapacity: true)
            costs.removeAll(keepingCapacity: true)
            for _ in 0..<min(batchSize, samples - done) {
                let s = try run.sampler.draw(remember: false, using: &run.rng) { sampling.sample(in: space, using: &$0) }
                archs.append(s.arch); costs.append(s.cost)
            }
            let accs = try run.evaluator.accuracies(of: archs)
            for i in archs.indices { run.tracker.observe(Candidate(arch: archs[i], accuracy: accs[i], efficiency: costs[i])) }
            done += archs.count
            run.tracker.record(generation: batch, evaluations: done)
            batch += 1
        }
        return run.result(strategy: name, generations: batch, population: [])
    }
}
