import Foundation

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
        // Bytes, not Characters: a table is ASCII, and grapheme-by-grapheme splitting was most of
        // the time a 25-file table took to load. Lines end at "\n" (a "\r" before it is dropped).
        var copy = text
        let lines: [(number: Int, text: Substring)] = copy.withUTF8 { bytes in
            var out: [(Int, Substring)] = []
            var start = 0, number = 0
            for i in 0...bytes.count where i == bytes.count || bytes[i] == 0x0A {
                number += 1
                var end = i
                if end > start, bytes[end - 1] == 0x0D { end -= 1 }
                out.append((number, Substring(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))))
                start = i + 1
            }
            return out
        }
        for (lineNumber, line) in lines {
            let content = line.drop { $0 == " " || $0 == "\t" }
            if content.isEmpty || content.first == "#" || line == "---" || line == "..." { continue }
            let indented = content.startIndex != line.startIndex
            if !indented {
                // A top-level key: `KEY:` (the key itself contains colons, so split at the last one).
                try finish()
                guard line.hasSuffix(":") else {
                    throw .malformed(path: "\(path):\(lineNumber)", reason: "expected 'KEY:' opening an entry, got '\(line.excerpt)'")
                }
                var key = line.dropLast()
                while key.last == " " { key = key.dropLast() }
                if key.count >= 2, let q = key.first, q == "'" || q == "\"", key.last == q { key = key.dropFirst().dropLast() }
                guard !key.isEmpty else { throw .malformed(path: "\(path):\(lineNumber)", reason: "empty key") }
                currentKey = String(key)
                currentKeyLine = lineNumber
                currentMean = nil
            } else {
                guard currentKey != nil else {
                    throw .malformed(path: "\(path):\(lineNumber)", reason: "indented line outside an entry")
                }
                guard let colon = content.firstIndex(of: ":") else {
                    throw .malformed(path: "\(path):\(lineNumber)", reason: "expected 'name: value', got '\(content.excerpt)'")
                }
                let field = content[..<colon]
                // Only `mean` is read: count and std are checked to be numbers, as before.
                let value = content[content.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                guard let number = Double(value) else {
                    throw .malformed(path: "\(path):\(lineNumber)", reason: "field '\(field)' must be a number, got '\(value.excerpt)'")
                }
                if field == "mean" {
                    // One layer above 10⁴ ms (10 s) is a unit slip or a corrupt file, not a measurement.
                    guard number.isFinite, number >= 0, number <= Self.maxLayerMilliseconds else {
                        throw .malformed(path: "\(path):\(lineNumber)",
                                         reason: "mean must be a latency in 0...\(Int(Self.maxLayerMilliseconds)) ms, got \(value.excerpt)")
                    }
                    currentMean = number
                }
            }
        }
        try finish()
        guard !means.isEmpty else { throw .malformed(path: path, reason: "no entries") }
        self.means = means
    }

    /// The mean latency of `key`; the error names the key and this file.
    public func mean(_ key: String) throws(PredictorError) -> Double {
        guard let v = means[key] else { throw .missingKey(key: key, table: path) }
        return v
    }
}

extension StringProtocol {
    /// The text as quoted in an error: at most 80 characters (a JSON file given as a table is
    /// one line of megabytes), control characters escaped.
    var excerpt: String { (count <= 80 ? String(self) : String(prefix(77)) + "...").printable }

    /// The text with control characters (a NUL, an escape sequence, a stray carriage return)
    /// and U+FFFD (what an invalid byte or a lone surrogate was decoded as) written as `\u{…}`,
    /// so an error line quoting input stays one readable line that says what the input held.
    public var printable: String {
        func escaped(_ u: Unicode.Scalar) -> Bool { u.value < 0x20 || (0x7F...0x9F).contains(u.value) || u.value == 0xFFFD }
        guard unicodeScalars.contains(where: escaped) else { return String(self) }
        var out = ""
        for u in unicodeScalars {
            if escaped(u) { out += "\\u{\(String(u.value, radix: 16))}" } else { out.unicodeScalars.append(u) }
        }
        return out
    }
}
