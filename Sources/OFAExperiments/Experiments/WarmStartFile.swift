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

    /// Its SHA-256 when read (fingerprints change with the contents, not only the name).
    public var sha256: String?

    public init(spelled: String, path: String) {
        self.spelled = spelled
        self.path = path
    }

    /// Reads the file once to refuse it early (a manifest's check): its form, each `top1` a
    /// percentage, and, given a space, each subnet in it. Keeps the contents' SHA-256.
    public init(spelled: String, path: String, checking space: (any SearchSpace)?) throws {
        self.init(spelled: spelled, path: path)
        let set = try MeasurementSet.load(path: path, target: "top1", rules: .top1(in: space))
        sha256 = set.sources.map(\.sha256).joined(separator: ",")
    }

    /// The measured subnets with their costs under `efficiency`, accuracies as fractions.
    public func load(space: any SearchSpace, efficiency: any EfficiencyPredictor) throws -> [Candidate] {
        let known = try MeasurementSet.load(path: path, target: "top1", rules: .top1(in: space))
        let costs = try efficiency.predictEfficiency(known.archs)
        return zip(known.rows, costs).map { Candidate(arch: $0.arch, accuracy: $0.value / 100, efficiency: $1) }
    }
}
