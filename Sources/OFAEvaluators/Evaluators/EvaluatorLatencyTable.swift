import OFACore
import OFAEngine

/// A latency look-up table measured by an external evaluator: every layer a subnet of the space
/// can contain (``LatencyProfiler/requiredLayers(resolution:)``), asked once by its OFA key, the
/// evaluator's value as the mean, its spread as the std and its repeat count as the count. The
/// result is the OFA-format table `lut profile` writes, for the evaluator's runtime and device.
///
/// ```swift
/// let ort = try ExternalEvaluator(spec: try EvaluatorSpec(contentsOf: "scripts/evaluators/ort.yaml"))
/// var table = try EvaluatorLatencyTable.profile(space: space, evaluator: ort)
/// try table.write(to: "out/ort-lut")
/// ```
public enum EvaluatorLatencyTable {
    /// `progress(measured, total)` after each batch of keys.
    public static func profile(space: any SearchSpace, evaluator: ExternalEvaluator,
                               progress: ((Int, Int) -> Void)? = nil) throws(EvaluatorError) -> ProfiledLatencyTable {
        let profiler = LatencyProfiler(space: space)
        var keysByResolution: [Int: [String]] = [:]
        var keys: [String] = []
        var seen = Set<String>()
        for r in space.resolutions {
            let own = profiler.requiredLayers(resolution: r).map(\.tableKey)
            keysByResolution[r] = own
            for k in own where seen.insert(k).inserted { keys.append(k) }
        }
        var entries: [String: LatencyStats] = [:]
        let step = max(evaluator.spec.batchSize, 1)
        var start = 0
        while start < keys.count {
            let batch = Array(keys[start..<min(keys.count, start + step)])
            for (key, m) in zip(batch, try evaluator.measureLayers(batch)) {
                entries[key] = LatencyStats(count: m.repeats ?? 1, mean: m.value, std: m.spread ?? 0)
            }
            start += batch.count
            progress?(start, keys.count)
        }
        return ProfiledLatencyTable(entries: entries, keysByResolution: keysByResolution)
    }
}
