/// The experiment runner's adapter to the search engine's strategies.
public struct EngineBackend: SearchBackend {
    public init() {}

    public func search(_ request: SearchRequest) throws -> SearchOutcome {
        throw RunnerError.backend("the search engine is not part of this build yet")
    }
}
