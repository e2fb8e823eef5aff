/// When a search stops: after a number of generations, of accuracy evaluations or of seconds,
/// whichever comes first. A time limit makes the result depend on the machine, so the
/// deterministic criteria are preferred.
///
/// ```swift
/// let t = Termination.generations(500)
/// let both = Termination(generations: 500, evaluations: 20_000)
/// ```
public struct Termination: Sendable, Equatable {
    public var generations: Int?
    public var evaluations: Int?
    public var seconds: Double?

    public init(generations: Int? = nil, evaluations: Int? = nil, seconds: Double? = nil) {
        self.generations = generations
        self.evaluations = evaluations
        self.seconds = seconds
    }

    public static func generations(_ n: Int) -> Termination { Termination(generations: n) }
    public static func evaluations(_ n: Int) -> Termination { Termination(evaluations: n) }
    public static func seconds(_ s: Double) -> Termination { Termination(seconds: s) }

    /// Whether a search that has run `generations` generations and `evaluations` accuracy
    /// evaluations in `seconds` should stop before the next generation.
    public func isDone(generations g: Int, evaluations e: Int, seconds s: Double) -> Bool {
        if let generations, g >= generations { return true }
        if let evaluations, e >= evaluations { return true }
        if let seconds, s >= seconds { return true }
        return generations == nil && evaluations == nil && seconds == nil
    }
}
