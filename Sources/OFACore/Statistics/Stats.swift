/// Mean, sample standard deviation and range of a list of numbers.
public struct Stats: Sendable, Equatable {
    public var count: Int
    public var mean: Double
    /// Sample standard deviation (n − 1); 0 for a single value.
    public var std: Double
    public var min: Double
    public var max: Double

    public init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        count = values.count
        mean = values.reduce(0, +) / Double(values.count)
        let m = mean
        std = values.count > 1 ? (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count - 1)).squareRoot() : 0
        min = values.min()!
        max = values.max()!
    }

    /// The statistics of the values multiplied by `factor` (positive): a change of unit.
    public func scaled(by factor: Double) -> Stats {
        var s = self
        s.mean *= factor; s.std *= factor; s.min *= factor; s.max *= factor
        return s
    }
}
