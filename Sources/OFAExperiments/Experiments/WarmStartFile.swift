import OFACore
import OFAPredictors
import OFAStrategies

/// Measurements a surrogate-assisted search starts from (`--warm-start FILE`, or `warm_start:` in
/// a manifest's surrogate strategy): JSON Lines with `top1` in %, or OFA's `.dict` layout, as
/// `ofasearch store export` writes them. The CLI and manifests load it through ``load(space:efficiency:)``.
///
/// ```swift
/// let known = try WarmStartFile(spelled: "known.jsonl", path: "/data/known.jsonl").load(space: space, efficiency: note10)
/// ```
public struct WarmStartFile: Sendable, Hashable {
    /// As the manifest or command line wrote it (what fingerprints and reports show).
    public var spelled: String
    /// Where it was found.
    public var path: String

    public init(spelled: String, path: String) {
        self.spelled = spelled
        self.path = path
    }

    /// The measured subnets with their costs under `efficiency`, accuracies as fractions.
    public func load(space: any SearchSpace, efficiency: any EfficiencyPredictor) throws -> [Candidate] {
        let known = try MeasurementSet.load(path: path, target: "top1", rules: .top1(in: space))
        let costs = try efficiency.predictEfficiency(known.archs)
        return zip(known.rows, costs).map { Candidate(arch: $0.arch, accuracy: $0.value / 100, efficiency: $1) }
    }
}
