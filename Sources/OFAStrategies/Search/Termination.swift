/// When a search stops: after a number of generations, of accuracy evaluations or of seconds,
/// or once its best has not improved for a number of generations (``stall``), whichever comes
/// first. A time limit makes the result depend on the machine, so the deterministic criteria are
/// preferred.
///
/// ```swift
/// let t = Termination.generations(500)
/// let both = Termination(generations: 500, evaluations: 20_000)
/// let warm = Termination(generations: 100, stall: 30)   // at most 100, fewer once converged
/// ```
public struct Termination: Sendable, Equatable {
    public var generations: Int?
    public var evaluations: Int?
    public var seconds: Double?
    /// Generations without a better best after which a single-objective search stops (NSGA-II,
    /// whose progress is a front, ignores it).
    public var stall: Int?

    public init(generations: Int? = nil, evaluations: Int? = nil, seconds: Double? = nil, stall: Int? = nil) {
        self.generations = generations
        self.evaluations = evaluations
        self.seconds = seconds
        self.stall = stall
    }

    public static func generations(_ n: Int) -> Termination { Termination(generations: n) }
    public static func evaluations(_ n: Int) -> Termination { Termination(evaluations: n) }
    public static func seconds(_ s: Double) -> Termination { Termination(seconds: s) }

    /// Whether a search that has run `generations` generations and `evaluations` accuracy
    /// evaluations in `seconds`, the last `stalled` of them without a better best, should stop
    /// before the next generation.
    public func isDone(generations g: Int, evaluations e: Int, seconds s: Double, stalled: Int = 0) -> Bool {
        if let generations, g >= generations { return true }
        if let evaluations, e >= evaluations { return true }
        if let seconds, s >= seconds { return true }
        if let stall, stalled >= stall { return true }
        return generations == nil && evaluations == nil && seconds == nil && stall == nil
    }
}
