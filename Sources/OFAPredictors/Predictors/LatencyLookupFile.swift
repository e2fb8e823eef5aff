import Foundation
import OFACore

/// One per-layer latency look-up file as published with OFA and nsganetv2: a two-level YAML map
/// from a layer key to its statistics, of which the mean (ms) is what a prediction sums.
///
/// ```yaml
/// Conv-input:224x224x3-output:112x112x24:
///   count: 499
///   mean: 0.72
///   std: 0.01
/// ```
///
/// A small dedicated reader rather than a general YAML parser: these files are large and flat,
/// and an error here names the file and line. Comments, blank lines, document markers, quoted
/// keys and CRLF line ends are accepted; anything else is an error.
///
/// ```swift
/// let file = try LatencyLookupFile(contentsOf: "note10/192_lookup_table.yaml")
/// file.means["Logits-input:1x1x1536-output:1000"]   // 0.66
/// ```
public struct LatencyLookupFile: Sendable {
    public let path: String
    /// Mean latency (ms) per layer key.
    public let means: [String: Double]
    /// The largest per-layer mean accepted, in ms.
    public static let maxLayerMilliseconds = 10_000.0

    public init(contentsOf path: String) throws(PredictorError) {
        let text: String
        do { text = try InputFile.readText(path) } catch { throw .unreadable(path: error.path, reason: error.reason) }
        try self.init(parsing: text, path: path)
    }

    /// Parses the text of a look-up file; `path` names it in errors.
    public init(parsing text: String, path: String) throws(PredictorError) {
        self.path = path
        var copy = text
        // Bytes, not Characters or Substrings: a table is ASCII, and per-character string work
        // was most of the time a 17-file table took to load.
        let parsed: Result<[String: Double], PredictorError> = copy.withUTF8 { bytes in
            do throws(PredictorError) { return .success(try Self.means(bytes, path: path)) } catch { return .failure(error) }
        }
        means = try parsed.get()
    }

    private static func means(_ b: UnsafeBufferPointer<UInt8>, path: String) throws(PredictorError) -> [String: Double] {
        func text(_ from: Int, _ to: Int) -> String { String(decoding: UnsafeBufferPointer(rebasing: b[from..<to]), as: UTF8.self) }
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }
        /// The value as `Double(String)` reads it: the strict decimal fast path, else Swift's parser.
        func number(_ from: Int, _ to: Int) -> Double? {
            guard from < to else { return nil }
            var parser = NumericJSON.Parser(bytes: UnsafeBufferPointer(rebasing: b[from..<to]))
            if let v = try? parser.number(), parser.i == to - from { return v }
            return Double(text(from, to))
        }
        var means: [String: Double] = [:]
        var currentKey: String?
        var currentKeyLine = 0
        var currentMean: Double?
        func finish() throws(PredictorError) {
            guard let key = currentKey else { return }
            guard let mean = currentMean else {
                throw .malformed(path: "\(path):\(currentKeyLine)", reason: "entry '\(key)' has no 'mean'")
            }
            guard means.updateValue(mean, forKey: key) == nil else {
                throw .malformed(path: "\(path):\(currentKeyLine)", reason: "duplicate entry '\(key)'")
            }
        }
        var lineStart = 0, lineNumber = 0
        // Lines end at "\n" (a "\r" before it is dropped).
        for i in 0...b.count where i == b.count || b[i] == 0x0A {
            lineNumber += 1
            let ls = lineStart
            var le = i
            lineStart = i + 1
            if le > ls, b[le - 1] == 0x0D { le -= 1 }
            var c = ls
            while c < le, isSpace(b[c]) { c += 1 }
            if c == le || b[c] == UInt8(ascii: "#") { continue }
            if le - ls == 3, (b[ls] == UInt8(ascii: "-") || b[ls] == UInt8(ascii: ".")), b[ls + 1] == b[ls], b[ls + 2] == b[ls] { continue }
            if c == ls {
                // A top-level key: `KEY:` (the key itself contains colons, so split at the last one).
                try finish()
                guard b[le - 1] == UInt8(ascii: ":") else {
                    throw .malformed(path: "\(path):\(lineNumber)", reason: "expected 'KEY:' opening an entry, got '\(text(ls, le).excerpt)'")
                }
                var ks = ls, ke = le - 1
                while ke > ks, b[ke - 1] == 0x20 { ke -= 1 }
                if ke - ks >= 2, b[ks] == UInt8(ascii: "'") || b[ks] == UInt8(ascii: "\""), b[ke - 1] == b[ks] { ks += 1; ke -= 1 }
                guard ke > ks else { throw .malformed(path: "\(path):\(lineNumber)", reason: "empty key") }
                currentKey = text(ks, ke)
                currentKeyLine = lineNumber
                currentMean = nil
            } else {
                guard currentKey != nil else {
                    throw .malformed(path: "\(path):\(lineNumber)", reason: "indented line outside an entry")
                }
                var colon = c
                while colon < le, b[colon] != UInt8(ascii: ":") { colon += 1 }
                guard colon < le else {
                    throw .malformed(path: "\(path):\(lineNumber)", reason: "expected 'name: value', got '\(text(c, le).excerpt)'")
                }
                var vs = colon + 1, ve = le
                while vs < ve, isSpace(b[vs]) { vs += 1 }
                while ve > vs, isSpace(b[ve - 1]) { ve -= 1 }
                guard let value = number(vs, ve) else {
                    throw .malformed(path: "\(path):\(lineNumber)", reason: "field '\(text(c, colon))' must be a number, got '\(text(vs, ve).excerpt)'")
                }
                if colon - c == 4, b[c] == UInt8(ascii: "m"), b[c + 1] == UInt8(ascii: "e"), b[c + 2] == UInt8(ascii: "a"), b[c + 3] == UInt8(ascii: "n") {
                    // One layer above 10⁴ ms (10 s) is a unit slip or a corrupt file, not a measurement.
                    guard value.isFinite, value >= 0, value <= Self.maxLayerMilliseconds else {
                        throw .malformed(path: "\(path):\(lineNumber)",
                                         reason: "mean must be a latency in 0...\(Int(Self.maxLayerMilliseconds)) ms, got \(text(vs, ve).excerpt)")
                    }
                    currentMean = value
                }
            }
        }
        try finish()
        guard !means.isEmpty else { throw .malformed(path: path, reason: "no entries") }
        return means
    }

    /// The mean latency of `key`; the error names the key and this file.
    public func mean(_ key: String) throws(PredictorError) -> Double {
        guard let v = means[key] else { throw .missingKey(key: key, table: path) }
        return v
    }
}
