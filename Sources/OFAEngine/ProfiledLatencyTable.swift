import Foundation
import Synchronization
import OFACore
import OFAPredictors

/// A per-layer latency look-up table in OFA's format: `key: {count, mean, std}` in milliseconds,
/// one YAML file per resolution (`<r>_lookup_table.yaml`, like OFA's note10 tables) or one file
/// holding every key (keys carry their input shapes, so resolutions never collide).
///
/// It is what `ofasearch lut profile` writes and `lut validate` reads; the sum of a subnet's
/// layer means is its predicted latency.
///
/// ```swift
/// let table = try ProfiledLatencyTable(contentsOf: "predictors/cpu-lut-w1.0")
/// let ms = try table.latency(of: NetworkPlan(architecture: arch, width: .w1_0))
/// ```
public struct ProfiledLatencyTable: Sendable {
    public var entries: [String: LatencyStats]
    /// Keys each resolution's file lists (empty for a table read from one file).
    public var keysByResolution: [Int: [String]]
    /// Comment lines written at the top of every file (without `# `).
    public var header: [String]
    /// Where the table was read from, for error messages.
    public var source: String

    public init(entries: [String: LatencyStats], keysByResolution: [Int: [String]] = [:], header: [String] = [],
                source: String = "(in memory)") {
        self.entries = entries; self.keysByResolution = keysByResolution; self.header = header; self.source = source
    }

    /// Predicted latency of a subnet: the sum of its layers' means.
    public func latency(of plan: NetworkPlan) throws(PredictorError) -> Double {
        var sum = 0.0
        for key in plan.tableKeys {
            guard let s = entries[key] else { throw .missingKey(key: key, table: source) }
            sum += s.mean
        }
        return sum
    }

    // MARK: writing

    /// The YAML text of a set of keys, sorted, with the header as comments.
    public func yaml(keys: [String]) -> String {
        var out = header.map { "# \($0)\n" }.joined()
        for key in keys.sorted() {
            guard let s = entries[key] else { continue }
            out += "\(key):\n  count: \(s.count)\n  mean: \(s.mean)\n  std: \(s.std)\n"
        }
        return out
    }

    /// Writes one file per resolution into `directory` (created if needed), or every key into
    /// one file when `path` ends in `.yaml`/`.yml`. Each file is written atomically.
    public func write(to path: String) throws {
        if path.hasSuffix(".yaml") || path.hasSuffix(".yml") {
            try Self.writeAtomically(yaml(keys: Array(entries.keys)), to: path)
            return
        }
        guard !keysByResolution.isEmpty else {
            throw PredictorError.unsupported("\(source): no per-resolution key lists to write \(path)/<r>_lookup_table.yaml; write one .yaml file instead")
        }
        try FileSystem.makeDirectory(path)
        for (r, keys) in keysByResolution.sorted(by: { $0.key < $1.key }) {
            try Self.writeAtomically(yaml(keys: keys), to: "\(path)/\(r)_lookup_table.yaml")
        }
    }

    /// Errors read as one line with the path and the reason (`cannot write t.yaml: no space left on device`).
    static func writeAtomically(_ text: String, to path: String) throws {
        try AtomicFile.write(text, to: path)
    }

    // MARK: where it was profiled

    /// The CPU a table records in its header (`# cpu: ...`, as `lut profile` writes it), read
    /// from the header lines only; nil when it records none (OFA's and nsganetv2's tables).
    public static func recordedCPU(path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        var file = path
        if isDirectory.boolValue {
            guard let first = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
                .filter({ $0.hasSuffix("_lookup_table.yaml") }).sorted().first else { return nil }
            file = path + "/" + first
        }
        // A named pipe was read once already (opening it again would wait for a writer).
        var info = stat()
        guard stat(file, &info) == 0, info.st_mode & S_IFMT == S_IFREG, let handle = FileHandle(forReadingAtPath: file) else { return nil }
        defer { try? handle.close() }
        // The header is a few comment lines at the top; a file without one is never read whole.
        let head = String(decoding: handle.readData(ofLength: 16_384), as: UTF8.self)
        for line in head.split(separator: "\n") {
            guard line.hasPrefix("#") else { break }
            let text = line.dropFirst().trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("cpu:") { return text.dropFirst(4).trimmingCharacters(in: .whitespaces) }
        }
        return nil
    }

    /// The table's CPU and this machine's when the table at `path` records a CPU other than this
    /// one; nil when they match or the table records none.
    public static func foreignOrigin(path: String) -> (tableCPU: String, thisCPU: String)? {
        guard let cpu = recordedCPU(path: path) else { return nil }
        let here = MachineInfo.currentCPUModel
        return cpu == here ? nil : (cpu, here)
    }

    /// Tables already warned about by ``warnIfProfiledElsewhere(path:name:)`` in this process.
    private static let warned = Mutex<Set<String>>([])

    /// Writes one line on stderr, once per table per process, when the table at `path` was
    /// profiled on a CPU other than this machine's; returns whether it did. `name` is how the
    /// user wrote the table (defaults to `path`).
    @discardableResult
    public static func warnIfProfiledElsewhere(path: String, name: String? = nil) -> Bool {
        guard let origin = foreignOrigin(path: path) else { return false }
        let first = warned.withLock { $0.insert(path).inserted }
        guard first else { return false }
        let line = "warning: latency table '\(name ?? path)' was profiled on another CPU (\(origin.tableCPU)); this machine's CPU is \(origin.thisCPU): its milliseconds are that CPU's, not this one's\n"
        FileHandle.standardError.write(Data(line.utf8))
        return true
    }

    // MARK: reading

    /// Reads a directory of `<r>_lookup_table.yaml` files or a single YAML file in OFA's
    /// `key: {count, mean, std}` layout (note10's tables read too). Errors name the file and line.
    public init(contentsOf path: String) throws(PredictorError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(path: path, reason: "no such file or directory")
        }
        var entries: [String: LatencyStats] = [:]
        var byResolution: [Int: [String]] = [:]
        var header: [String] = []
        if isDirectory.boolValue {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
                .filter { $0.hasSuffix("_lookup_table.yaml") }.sorted()
            guard !names.isEmpty else { throw .unreadable(path: path, reason: "no <resolution>_lookup_table.yaml files") }
            for name in names {
                let file = "\(path)/\(name)"
                let (e, h) = try Self.parse(file: file)
                if let r = Int(name.prefix(while: \.isNumber)) { byResolution[r] = Array(e.keys) }
                entries.merge(e) { a, _ in a }
                if header.isEmpty { header = h }
            }
        } else {
            (entries, header) = try Self.parse(file: path)
        }
        self.init(entries: entries, keysByResolution: byResolution, header: header, source: path)
    }

    static func parse(file: String) throws(PredictorError) -> ([String: LatencyStats], [String]) {
        let text: String
        do { text = try InputFile.readText(file) } catch { throw .unreadable(path: error.path, reason: error.reason) }
        var entries: [String: LatencyStats] = [:]
        var header: [String] = []
        var key: String?, fields: [String: Double] = [:], keyLine = 0
        func finish() throws(PredictorError) {
            guard let k = key else { return }
            guard let mean = fields["mean"] else { throw .malformed(path: "\(file):\(keyLine)", reason: "entry '\(k)' has no 'mean'") }
            // The same bound as every look-up table reader (LatencyLookupFile).
            guard mean.isFinite, mean >= 0, mean <= LatencyLookupFile.maxLayerMilliseconds else {
                throw .malformed(path: "\(file):\(keyLine)", reason: "entry '\(k)': mean must be a latency in 0...\(Int(LatencyLookupFile.maxLayerMilliseconds)) ms, got \(mean)")
            }
            for (name, v) in fields where !v.isFinite || v < 0 {
                throw .malformed(path: "\(file):\(keyLine)", reason: "entry '\(k)': \(name) must be a finite non-negative number, got \(v)")
            }
            entries[k] = LatencyStats(count: Int(fields["count"] ?? 0), mean: mean, std: fields["std"] ?? (fields["var"].map { $0.squareRoot() } ?? 0))
        }
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw)
            if line.hasPrefix("#") {
                if entries.isEmpty, key == nil { header.append(String(line.dropFirst()).trimmingCharacters(in: .whitespaces)) }
                continue
            }
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            if !line.hasPrefix(" ") {
                try finish()
                guard line.hasSuffix(":") else { throw .malformed(path: "\(file):\(i + 1)", reason: "expected 'KEY:', got '\(line.excerpt)'") }
                key = String(line.dropLast()); fields = [:]; keyLine = i + 1
            } else {
                let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard key != nil, parts.count == 2, let v = Double(parts[1]) else {
                    throw .malformed(path: "\(file):\(i + 1)", reason: "expected '  count|mean|std: NUMBER', got '\(line.excerpt)'")
                }
                fields[parts[0]] = v
            }
        }
        try finish()
        return (entries, header)
    }
}
