import OFACore

/// The settings of a ``SurrogateSearch`` besides its budget, as the command line and manifests
/// give them; nil or default values leave the strategy's defaults.
///
/// ```swift
/// var settings = SearchSettings()
/// settings.evaluations = 1_000
/// settings.surrogate = SurrogateSettings(batch: 16, innerStarts: 2)
/// let search = try SearchStrategies.make("surrogate", settings: settings)
/// ```
public struct SurrogateSettings: Sendable, Equatable {
    public var initial: Int?
    public var batch: Int?
    public var innerGenerations: Int
    public var innerStarts: Int
    public var innerStall: Int
    /// Measurements already known (fitted, never evaluated again, not counted).
    public var warmStart: [Candidate]

    public init(initial: Int? = nil, batch: Int? = nil, innerGenerations: Int = SurrogateSearch.Defaults.innerGenerations,
                innerStarts: Int = SurrogateSearch.Defaults.innerStarts, innerStall: Int = SurrogateSearch.Defaults.innerStall,
                warmStart: [Candidate] = []) {
        self.initial = initial
        self.batch = batch
        self.innerGenerations = innerGenerations
        self.innerStarts = innerStarts
        self.innerStall = innerStall
        self.warmStart = warmStart
    }
}
