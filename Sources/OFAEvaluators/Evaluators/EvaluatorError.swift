/// A problem with an external evaluator: its spec, its start, or an answer it gave. Messages name
/// the evaluator (its spec file) and, for a measurement, the architecture.
public enum EvaluatorError: Error, Equatable, CustomStringConvertible {
    case spec(path: String, reason: String)
    /// The worker could not be started, died, hung or broke the protocol; `stderr` holds its last
    /// lines of standard error (and of non-protocol standard output).
    case worker(evaluator: String, reason: String, stderr: [String])
    /// The evaluator answered a measurement with an error or an impossible value.
    case measurement(evaluator: String, arch: String, reason: String)
    /// The evaluator's measurement store could not be opened, read or written.
    case store(StoreError)

    public var description: String {
        switch self {
        case let .spec(path, reason): "evaluator spec \(path): \(reason)"
        case let .worker(evaluator, reason, stderr):
            "evaluator \(evaluator): \(reason)" + (stderr.isEmpty ? "" : "; its last output: " + stderr.suffix(3).map { $0.count > 160 ? String($0.prefix(157)) + "..." : $0 }.joined(separator: " | "))
        case let .measurement(evaluator, arch, reason): "evaluator \(evaluator) on \(arch): \(reason)"
        case let .store(error): error.description
        }
    }
}
