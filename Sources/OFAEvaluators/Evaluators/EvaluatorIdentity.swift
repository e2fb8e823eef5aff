import OFACore

/// What an evaluator says of itself in its handshake: the measurements' provenance and part of
/// their key in a measurement store (a new device or version measures anew).
///
/// ```json
/// {"protocol": "ofasearch-evaluator/1", "name": "ort-latency", "metric": "latency_ms",
///  "device": "AMD EPYC 7B13, 1 thread", "version": "onnxruntime 1.17.3"}
/// ```
public struct EvaluatorIdentity: Sendable, Equatable, Hashable {
    public static let protocolVersion = "ofasearch-evaluator/1"

    public enum Metric: String, Sendable, Hashable, CaseIterable {
        /// Top-1 as a fraction in [0, 1].
        case accuracy
        /// Latency in milliseconds.
        case latency = "latency_ms"
    }

    public var name: String
    public var metric: Metric
    public var device: String
    public var version: String

    public init(name: String, metric: Metric, device: String, version: String) {
        self.name = name
        self.metric = metric
        self.device = device
        self.version = version
    }

    /// Reads a handshake line.
    init(hello obj: JSONCObject) throws(JSONInputError) {
        let proto = try obj.string("protocol")
        guard proto == Self.protocolVersion else {
            throw .invalid("speaks protocol '\(proto)', expected '\(Self.protocolVersion)'")
        }
        name = try obj.string("name")
        let m = try obj.string("metric")
        guard let metric = Metric(rawValue: m) else {
            throw .invalid("metric '\(m)' is not one of \(Metric.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.metric = metric
        device = try obj.string("device")
        version = try obj.string("version")
        guard !name.isEmpty, !device.isEmpty, !version.isEmpty else { throw .invalid("name, device and version must be non-empty") }
    }

    /// `name@version on device`, for messages and reports.
    public var label: String { "\(name)@\(version) on \(device)" }
}

/// One answer of an evaluator: the value in its metric's unit, with its spread and repeat count
/// when it measured several times.
public struct EvaluatorMeasurement: Sendable, Equatable {
    public var value: Double
    public var spread: Double?
    public var repeats: Int?

    public init(value: Double, spread: Double? = nil, repeats: Int? = nil) {
        self.value = value
        self.spread = spread
        self.repeats = repeats
    }
}
