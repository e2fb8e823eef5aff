import Foundation
import Yams
import OFACore

/// How to start and talk to an external evaluator: a small YAML file accepted wherever a
/// predictor is (`--accuracy`, `--latency`, a manifest's `accuracy:`/`efficiency:`).
///
/// ```yaml
/// kind: command
/// command: [python3, scripts/evaluators/ort_latency.py, --threads, "1"]
/// working_directory: .          # relative paths are relative to this file's folder
/// environment: {OMP_NUM_THREADS: "1"}
/// batch_size: 16                # architectures per request
/// timeout_seconds: 120          # per request; a worker that takes longer is restarted
/// startup_timeout_seconds: 60   # for the handshake
/// restarts: 2                   # restarts after a crash or hang before giving up
/// store: ort.sqlite             # the measurement store (default: ort.measurements.sqlite beside
///                               # this file; `none`: measure every time)
/// ```
///
/// ```swift
/// let spec = try EvaluatorSpec(contentsOf: "ort.yaml")
/// ```
public struct EvaluatorSpec: Sendable, Equatable {
    public var path: String
    /// Program and arguments; the program is looked up on `PATH` unless it holds a `/`.
    public var command: [String]
    public var workingDirectory: String
    public var environment: [String: String]
    public var batchSize: Int
    public var timeoutSeconds: Double
    public var startupTimeoutSeconds: Double
    public var restarts: Int
    /// The ``MeasurementStore`` the evaluator's measurements are kept in and looked up from; nil:
    /// none (every request is measured).
    public var store: String?

    public static let keys = ["kind", "command", "working_directory", "environment", "batch_size", "timeout_seconds",
                              "startup_timeout_seconds", "restarts", "store"]

    /// Whether a file is an evaluator spec (a YAML mapping with `kind: command`), judged from its
    /// first lines, so a predictor loader can tell it from other inputs cheaply.
    public static func looksLikeSpec(_ path: String) -> Bool {
        var info = stat()
        guard path.hasSuffix(".yaml") || path.hasSuffix(".yml"), stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG,
              let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = String(decoding: handle.readData(ofLength: 4096), as: UTF8.self)
        return head.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("kind: command") }
    }

    public init(contentsOf path: String) throws(EvaluatorError) {
        let text: String
        do { text = try InputFile.readText(path) } catch { throw .spec(path: path, reason: error.reason) }
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch { throw .spec(path: path, reason: "not YAML: \(error)") }
        guard let mapping = node?.mapping else { throw .spec(path: path, reason: "expected a mapping with kind: command") }
        func at(_ n: Node) -> String { "\(path):\(n.mark?.line ?? 0)" }   // Yams counts lines from 1
        for (key, _) in mapping {
            guard let k = key.string, Self.keys.contains(k) else {
                throw .spec(path: at(key), reason: "unknown key '\(key.string ?? "?")'; expected one of \(Self.keys.joined(separator: ", "))")
            }
        }
        guard mapping["kind"]?.string == "command" else { throw .spec(path: path, reason: "kind must be 'command'") }
        self.path = path
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        switch mapping["command"] {
        case let n? where n.sequence != nil:
            command = try n.sequence!.map { item throws(EvaluatorError) -> String in
                guard let s = item.string, !s.isEmpty else { throw .spec(path: at(item), reason: "command items must be non-empty strings") }
                return s
            }
        case let n? where n.string != nil:
            command = n.string!.split(separator: " ").map(String.init)
        default:
            throw .spec(path: path, reason: "command must be a list: [program, arg, ...]")
        }
        guard !command.isEmpty else { throw .spec(path: path, reason: "command is empty") }
        let dir = mapping["working_directory"]?.string ?? "."
        workingDirectory = dir.hasPrefix("/") ? dir : URL(fileURLWithPath: folder).appendingPathComponent(dir).standardized.path
        environment = [:]
        if let env = mapping["environment"] {
            guard let pairs = env.mapping else { throw .spec(path: at(env), reason: "environment must be a mapping NAME: value") }
            for (k, v) in pairs {
                guard let name = k.string, let value = v.string else { throw .spec(path: at(k), reason: "environment entries must be NAME: value strings") }
                environment[name] = value
            }
        }
        func number(_ key: String, default value: Double, _ range: ClosedRange<Double>, whole: Bool = false) throws(EvaluatorError) -> Double {
            guard let n = mapping[key] else { return value }
            guard let s = n.string, let v = Double(s), range.contains(v), !whole || v == v.rounded() else {
                throw .spec(path: at(n), reason: "\(key) must be a\(whole ? " whole" : "") number in \(PredictionCheck.format(range.lowerBound))...\(PredictionCheck.format(range.upperBound))")
            }
            return v
        }
        batchSize = Int(try number("batch_size", default: 16, 1...100_000, whole: true))
        timeoutSeconds = try number("timeout_seconds", default: 300, 0.01...86_400)
        startupTimeoutSeconds = try number("startup_timeout_seconds", default: 120, 0.01...86_400)
        restarts = Int(try number("restarts", default: 2, 0...100, whole: true))
        switch mapping["store"] {
        case nil:
            let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            store = URL(fileURLWithPath: folder).appendingPathComponent(stem + ".measurements.sqlite").path
        case let n? where n.string == "none":
            store = nil
        case let n?:
            guard let file = n.string, !file.isEmpty, n.null == nil else {
                throw .spec(path: at(n), reason: "store must be a file path or 'none'")
            }
            store = file.hasPrefix("/") ? file : URL(fileURLWithPath: folder).appendingPathComponent(file).standardized.path
        }
    }

    public init(command: [String], workingDirectory: String = FileManager.default.currentDirectoryPath, environment: [String: String] = [:],
                batchSize: Int = 16, timeoutSeconds: Double = 300, startupTimeoutSeconds: Double = 120, restarts: Int = 2,
                store: String? = nil) {
        self.path = command.joined(separator: " ")
        self.command = command
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.batchSize = batchSize
        self.timeoutSeconds = timeoutSeconds
        self.startupTimeoutSeconds = startupTimeoutSeconds
        self.restarts = restarts
        self.store = store
    }
}
