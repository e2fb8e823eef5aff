import OFACore

/// A validated experiment manifest: what to search, with which predictors and strategies, for
/// which targets and seeds. Built by ``ManifestLoader`` from YAML; expanded into runs by
/// ``RunPlan``.
///
/// ```swift
/// let manifest = try ManifestLoader().load(path: "experiments/quickstart.yaml")
/// let plan = RunPlan(manifest: manifest)
/// print(plan.runs.count)
/// ```
public struct ExperimentManifest: Sendable {
    /// The manifest's `name`.
    public var name: String
    /// Free text shown at the top of the report.
    public var description: String?
    /// The manifest file it was read from (as given).
    public var source: String
    /// One or more parts; a manifest without `parts` has a single part named `main`.
    public var parts: [ExperimentPart]
    /// Default number of parallel runs (`--jobs` overrides it); nil means one per core.
    public var jobs: Int?

    public init(name: String, description: String? = nil, source: String, parts: [ExperimentPart], jobs: Int? = nil) {
        self.name = name
        self.description = description
        self.source = source
        self.parts = parts
        self.jobs = jobs
    }

    /// The manifest with every default filled in and every path resolved, as written to
    /// `manifest.resolved.json`. `machineIndependent` leaves out absolute paths (used for the
    /// fingerprint, so shards on different machines agree).
    public func resolvedJSON(machineIndependent: Bool = false) -> JSONValue {
        var fields: [(String, JSONValue)] = [("name", .string(name))]
        if let description { fields.append(("description", .string(description))) }
        if !machineIndependent { fields.append(("source", .string(source))) }
        if let jobs { fields.append(("jobs", .int(jobs))) }
        fields.append(("parts", .array(parts.map { $0.resolvedJSON(machineIndependent: machineIndependent) })))
        return .object(fields)
    }

    /// A stable 64-bit fingerprint (FNV-1a, hex) of the machine-independent resolved manifest:
    /// resume and merge refuse outputs made from a different manifest.
    public var fingerprint: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in resolvedJSON(machineIndependent: true).rendered().utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
