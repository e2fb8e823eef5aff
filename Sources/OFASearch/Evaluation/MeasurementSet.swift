import Foundation

/// One measured architecture: its canonical form and the measured value (top-1 in %, or ms).
public struct MeasuredArchitecture: Sendable, Equatable {
    public var arch: Architecture
    public var value: Double

    public init(arch: Architecture, value: Double) {
        self.arch = arch
        self.value = value
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

    /// Reads a JSONL file, an `AccuracyDataset` directory or a `.dict` file.
    public static func load(path: String, target: String) throws(JSONInputError) -> MeasurementSet {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(path: path, reason: "no such file or directory")
        }
        if isDirectory.boolValue { return try loadAccuracyDataset(directory: path, target: target) }
        if path.hasSuffix(".dict") { return try loadAccDict(path: path, target: target) }
        return try loadJSONLines(path: path, target: target)
    }

    /// JSON Lines: `ks`, `e`, `d`, `r` and the target field on every line.
    public static func loadJSONLines(path: String, target: String) throws(JSONInputError) -> MeasurementSet {
        let data = try readFile(path)
        guard let text = String(data: data, encoding: .utf8) else { throw .unreadable(path: path, reason: "not UTF-8 text") }
        let keys = target.split(separator: ".").map(String.init)
        let rows = try JSONLines.parse(text, source: path) { obj throws(JSONInputError) -> MeasuredArchitecture in
            let arch = try Architecture(json: obj)
            var node = obj
            for key in keys.dropLast() {
                guard let next = node[key] else { throw JSONInputError.missingKey(target) }
                node = next
            }
            guard let last = keys.last, let v = node[last] else { throw JSONInputError.missingKey(target) }
            guard let value = v.doubleValue, value.isFinite else { throw JSONInputError.wrongType(key: target, expected: "a finite number") }
            return MeasuredArchitecture(arch: arch, value: value)
        }
        guard !rows.isEmpty else { throw .invalid("\(path): no measurements") }
        return MeasurementSet(target: target, rows: rows, sources: [Source(path: path, rows: rows.count, sha256: SHA256.hex(data))])
    }

    /// OFA's `AccuracyDataset` directory: `acc.dict` when present (the merged set), otherwise
    /// every `src/<r>.dict`.
    public static func loadAccuracyDataset(directory: String, target: String) throws(JSONInputError) -> MeasurementSet {
        let accDict = directory + "/acc.dict"
        if FileManager.default.fileExists(atPath: accDict) { return try loadAccDict(path: accDict, target: target) }
        let src = directory + "/src"
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: src) } catch {
            throw .unreadable(path: directory, reason: "an AccuracyDataset directory needs acc.dict or src/<resolution>.dict files")
        }
        let dicts = names.filter { $0.hasSuffix(".dict") && Int($0.dropLast(5)) != nil }.sorted { Int($0.dropLast(5))! < Int($1.dropLast(5))! }
        guard !dicts.isEmpty else { throw .unreadable(path: src, reason: "no <resolution>.dict files") }
        var sets: [MeasurementSet] = []
        for name in dicts { sets.append(try loadAccDict(path: src + "/" + name, target: target)) }
        return MeasurementSet.merged(sets)
    }

    /// One `.dict` file: a JSON object from net-setting JSON text to top-1 (%).
    public static func loadAccDict(path: String, target: String) throws(JSONInputError) -> MeasurementSet {
        guard target == "top1" else { throw .invalid("\(path): an AccuracyDataset holds top-1 only; cannot read target '\(target)'") }
        let data = try readFile(path)
        guard let text = String(data: data, encoding: .utf8) else { throw .unreadable(path: path, reason: "not UTF-8 text") }
        let object: JSONCObject
        do { object = try JSONCObject(parsing: text) } catch { throw .at(source: path, line: 1, reason: error.description) }
        guard object.isObject else { throw .at(source: path, line: 1, reason: "expected a JSON object from net settings to accuracies") }
        var rows: [MeasuredArchitecture] = []
        for key in object.keys {
            do {
                let setting = try JSONCObject(parsing: key)
                guard setting.isObject else { throw JSONInputError.invalid("key is not a net setting object") }
                let arch = try Architecture(json: setting)
                guard let value = object[key]?.doubleValue, value.isFinite else {
                    throw JSONInputError.wrongType(key: key, expected: "a finite accuracy")
                }
                rows.append(MeasuredArchitecture(arch: arch, value: value))
            } catch {
                throw .invalid("\(path): entry \(key.prefix(80)): \(error)")
            }
        }
        guard !rows.isEmpty else { throw .invalid("\(path): no measurements") }
        return MeasurementSet(target: target, rows: rows, sources: [Source(path: path, rows: rows.count, sha256: SHA256.hex(data))])
    }

    private static func readFile(_ path: String) throws(JSONInputError) -> Data {
        do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
    }
}
