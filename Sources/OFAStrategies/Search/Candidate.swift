import OFACore

/// An evaluated architecture: its predicted accuracy (a fraction) and cost.
public struct Candidate: Sendable, Equatable {
    public var arch: Architecture
    public var accuracy: Double
    public var efficiency: Double

    public init(arch: Architecture, accuracy: Double, efficiency: Double) {
        self.arch = arch
        self.accuracy = accuracy
        self.efficiency = efficiency
    }

    /// `{"accuracy": …, "latency_ms": …, "arch": {…}}`.
    public func json(metric: EfficiencyMetric) -> JSONValue {
        .object([("accuracy", .double(accuracy)), (metric.rawValue, .double(efficiency)), ("arch", arch.json)])
    }
}
