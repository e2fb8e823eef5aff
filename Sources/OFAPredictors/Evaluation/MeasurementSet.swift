import Foundation
import OFACore

/// One measured architecture: its canonical form and the measured value (top-1 in %, or ms).
public struct MeasuredArchitecture: Sendable, Equatable {
    public var arch: Architecture
    public var value: Double
    /// Where it was read, `FILE:LINE` (or `FILE: entry …` for a `.dict`), for errors; empty when
    /// made in memory.
    public var origin: String

    public init(arch: Architecture, value: Double, origin: String = "") {
        self.arch = arch
        self.value = value
        self.origin = origin
    }
}

/// What every row of a measurement file must satisfy, checked as it is read so that an error
/// names the file and line: the architecture belongs to `space` (its resolution too, unless
/// `checkingResolution` is off) and the value lies in `range`.
///
/// ```swift
/// let rules = MeasurementRules(space: space, range: 0...100, quantity: "top-1 in %")
/// let data = try MeasurementSet.load(path: "ofa-mbv3-w1.0.jsonl", target: "top1", rules: rules)
/// ```
public struct MeasurementRules: Sendable {
    public var space: (any SearchSpace)?
    public var checkingResolution: Bool
    public var range: ClosedRange<Double>
    /// What the value is, for messages ("top-1 in %", "latency in ms").
    public var quantity: String
    /// Whether zero is refused (a latency of 0 ms is no measurement).
    public var positive: Bool

    public init(space: (any SearchSpace)? = nil, checkingResolution: Bool = true, range: ClosedRange<Double>,
                quantity: String, positive: Bool = false) {
        self.space = space
        self.checkingResolution = checkingResolution
        self.range = range
        self.quantity = quantity
        self.positive = positive
    }

    /// Top-1 in % (what the measured data sets and XGBoost accuracy models hold).
    public static func top1(in space: (any SearchSpace)?, checkingResolution: Bool = true) -> MeasurementRules {
        MeasurementRules(space: space, checkingResolution: checkingResolution, range: 0...100, quantity: "top-1 in %")
    }

    /// Latency in ms.
    public static func latency(in space: (any SearchSpace)?, checkingResolution: Bool = true) -> MeasurementRules {
        MeasurementRules(space: space, checkingResolution: checkingResolution, range: 0...EfficiencyMetric.latency.plausibleRange.upperBound,
                         quantity: "latency in ms", positive: true)
    }

    /// The row's architecture, checked when there are rules with a space.
    static func architecture(_ obj: JSONCObject, _ rules: MeasurementRules?) throws(JSONInputError) -> Architecture {
        guard let rules, let space = rules.space else { return try Architecture(json: obj) }
        return try Architecture(json: obj, in: space, checkingResolution: rules.checkingResolution)
    }

    func check(_ value: Double, key: String) throws(JSONInputError) {
        guard range.contains(value), !(positive && value == 0) else {
            throw .invalid("key '\(key)' = \(value) is not a plausible \(quantity); expected \(positive ? "above" : "at least") \(PredictionCheck.format(range.lowerBound)) and at most \(PredictionCheck.format(range.upperBound))")
        }
    }
}

/// Measurements read from files, with the files they came from.
///
/// Reads the JSON Lines files of `../shared/ofa-data` (one architecture per line; `target` names
/// the measured field, dotted for nested objects: `top1`, `latency_ms.v100_64`) and OFA's
/// `AccuracyDataset` layout: a directory with a merged `acc.dict`, or with `src/<r>.dict` files,
/// or one such `.dict` file. A `.dict` maps the JSON text of a net setting (with `image_size`) to
/// top-1 in %.
///
/// ```swift
/// let data = try MeasurementSet.load(path: "ofa-mbv3-w1.0.jsonl", target: "top1")
/// data.rows.count
/// ```
public struct MeasurementSet: Sendable {
    /// A file read, for provenance.
    public struct Source: Sendable, Equatable {
        public var path: String
        public var rows: Int
        public var sha256: String
    }

    public var target: String
    public var rows: [MeasuredArchitecture]
    public var sources: [Source]

    public init(target: String, rows: [MeasuredArchitecture], sources: [Source]) {
        self.target = target
        self.rows = rows
        self.sources = sources
    }

    public var archs: [Architecture] { rows.map(\.arch) }
    public var values: [Double] { rows.map(\.value) }

    /// Concatenates several sets measured for the same target.
    public static func merged(_ sets: [MeasurementSet]) -> MeasurementSet {
        MeasurementSet(target: sets.first?.target ?? "", rows: sets.flatMap(\.rows), sources: sets.flatMap(\.sources))
    }

    /// Reads a JSONL file, an `AccuracyDataset` directory or a `.dict` file; with `rules`, every
    /// row is checked as it is read.
    public static func load(path: String, target: String, rules: MeasurementRules? = nil) throws(JSONInputError) -> MeasurementSet {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(path: path, reason: "no such file or directory")
        }
        if isDirectory.boolValue { return try loadAccuracyDataset(directory: path, target: target, rules: rules) }
        if path.hasSuffix(".dict") { return try loadAccDict(path: path, target: target, rules: rules) }
        return try loadJSONLines(path: path, target: target, rules: rules)
    }

    /// JSON Lines: `ks`, `e`, `d`, `r` and the target field on every line.
    public static func loadJSONLines(path: String, target: String, rules: MeasurementRules? = nil) throws(JSONInputError) -> MeasurementSet {
        let data = try readFile(path)
        let text = try utf8Text(data, path: path)
        let keys = target.split(separator: ".").map(String.init)
        let numbered = try JSONLines.parseNumbered(text, source: path) { obj throws(JSONInputError) -> MeasuredArchitecture in
            let arch = try MeasurementRules.architecture(obj, rules)
            var node = obj
            for key in keys.dropLast() {
                guard let next = node[key] else { throw JSONInputError.missingKey(target) }
                node = next
            }
            guard let last = keys.last else { throw JSONInputError.missingKey(target) }
            guard let v = node[last] else { throw node.absent(last, shown: target) }
            guard let value = v.doubleValue, value.isFinite else { throw JSONInputError.wrongType(key: target, expected: "a finite number") }
            try rules?.check(value, key: target)
            return MeasuredArchitecture(arch: arch, value: value)
        }
        let rows = numbered.map { line, row in
            var row = row
            row.origin = "\(path):\(line)"
            return row
        }
        guard !rows.isEmpty else { throw .invalid("\(path): no measurements") }
        return MeasurementSet(target: target, rows: rows, sources: [Source(path: path, rows: rows.count, sha256: SHA256.hex(data))])
    }

    /// OFA's `AccuracyDataset` directory: `acc.dict` when present (the merged set), otherwise
    /// every `src/<r>.dict`.
    public static func loadAccuracyDataset(directory: String, target: String, rules: MeasurementRules? = nil) throws(JSONInputError) -> MeasurementSet {
        let accDict = directory + "/acc.dict"
        if FileManager.default.fileExists(atPath: accDict) { return try loadAccDict(path: accDict, target: target, rules: rules) }
        let src = directory + "/src"
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: src) } catch {
            throw .unreadable(path: directory, reason: "an AccuracyDataset directory needs acc.dict or src/<resolution>.dict files")
        }
        let dicts = names.filter { $0.hasSuffix(".dict") && Int($0.dropLast(5)) != nil }.sorted { Int($0.dropLast(5))! < Int($1.dropLast(5))! }
        guard !dicts.isEmpty else { throw .unreadable(path: src, reason: "no <resolution>.dict files") }
        var sets: [MeasurementSet] = []
        for name in dicts { sets.append(try loadAccDict(path: src + "/" + name, target: target, rules: rules)) }
        return MeasurementSet.merged(sets)
    }

    /// One `.dict` file: a JSON object from net-setting JSON text to top-1 (%).
    public static func loadAccDict(path: String, target: String, rules: MeasurementRules? = nil) throws(JSONInputError) -> MeasurementSet {
        guard target == "top1" else { throw .invalid("\(path): an AccuracyDataset holds top-1 only; cannot read target '\(target)'") }
        let data = try readFile(path)
        let text = try utf8Text(data, path: path)
        let object: JSONCObject
        do { object = try JSONCObject(parsing: text) } catch { throw .at(source: path, line: 1, reason: error.description) }
        guard object.isObject else { throw .at(source: path, line: 1, reason: "expected a JSON object from net settings to accuracies") }
        var rows: [MeasuredArchitecture] = []
        for key in object.keys {
            do {
                let setting = try JSONCObject(parsing: key)
                guard setting.isObject else { throw JSONInputError.invalid("key is not a net setting object") }
                let arch = try MeasurementRules.architecture(setting, rules)
                guard let value = object[key]?.doubleValue, value.isFinite else {
                    throw JSONInputError.wrongType(key: key, expected: "a finite accuracy")
                }
                try rules?.check(value, key: "top1")
                rows.append(MeasuredArchitecture(arch: arch, value: value, origin: "\(path): entry \(key.prefix(80))"))
            } catch {
                throw .invalid("\(path): entry \(key.prefix(80)): \(error)")
            }
        }
        guard !rows.isEmpty else { throw .invalid("\(path): no measurements") }
        return MeasurementSet(target: target, rows: rows, sources: [Source(path: path, rows: rows.count, sha256: SHA256.hex(data))])
    }

    /// The text of a file, or an error naming the first line that is not UTF-8.
    private static func utf8Text(_ data: Data, path: String) throws(JSONInputError) -> String {
        if let text = String(data: data, encoding: .utf8) { return text }
        var line = 1
        for piece in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            if String(validating: piece, as: UTF8.self) == nil { break }
            line += 1
        }
        throw .at(source: path, line: line, reason: "not UTF-8 text")
    }

    private static func readFile(_ path: String) throws(JSONInputError) -> Data {
        do { return try InputFile.read(path) } catch { throw .unreadable(path: path, reason: error.reason) }
    }
}
