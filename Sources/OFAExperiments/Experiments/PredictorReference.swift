import OFACore

/// A predictor named in a manifest: what kind it is and where its file is.
///
/// Written in a manifest as a string — `macs`, a committed default's name (`ofa-mbv3-w1.0-top1`,
/// found under `predictors/`), a `shared:` path into the shared data folder
/// (`shared:latency/note10`), or a file path (an evaluator spec, `kind: command`, is recognised
/// by its content) — or as a mapping `{kind: lut, path: ...}` when the kind cannot be inferred. ``ManifestPaths`` documents how paths resolve.
public struct PredictorReference: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        /// OFA's tutorial MLP (`ofa-tutorial-mlp-*.json`).
        case mlp
        /// A project XGBoost model directory (accuracy or latency).
        case xgboost
        /// A latency look-up table: OFA's per-resolution folder or a single nsganetv2-style YAML file.
        case lut
        /// Analytic multiply-accumulate count (no file).
        case macs
        /// Latency measured by running the subnet on this CPU (no file).
        case measured
        /// An external evaluator: a spec file with `kind: command` (docs/evaluators.md), accuracy
        /// or latency as its handshake says, its measurements kept in its store.
        case command
    }

    public var kind: Kind
    /// The reference as written in the manifest (e.g. `shared:latency/note10`).
    public var spelled: String
    /// Absolute path of the file or folder; nil for kinds without a file.
    public var path: String?
    /// Measured latency: the clock, `wall` (default; a quiet machine) or `thread-cpu` (a machine
    /// shared with other jobs, as the committed CPU table was profiled).
    public var clock: String?

    public init(kind: Kind, spelled: String, path: String? = nil, clock: String? = nil) {
        self.kind = kind
        self.spelled = spelled
        self.path = path
        self.clock = clock
    }

    /// The metric an efficiency predictor of this kind reports.
    public var metric: EfficiencyMetric { kind == .macs ? .macs : .latency }

    func resolvedJSON(machineIndependent: Bool) -> JSONValue {
        var fields: [(String, JSONValue)] = [("kind", .string(kind.rawValue)), ("spelled", .string(spelled))]
        if !machineIndependent, let path { fields.append(("path", .string(path))) }
        if let clock { fields.append(("clock", .string(clock))) }
        return .object(fields)
    }
}
