import Foundation
import OFACore

/// An XGBoost model file read by ofasearch itself, before XGBoost sees it: UBJSON (`model.ubj`,
/// XGBoost's default) or JSON. XGBoost's own readers trust lengths and counts in the file, so a
/// damaged one can make them read past the buffer; this reader checks every length against the
/// bytes that remain, bounds nesting, and gives ``TreeCheck`` the trees to verify.
///
/// ```swift
/// let doc = try ModelDocument(ubjson: try Data(contentsOf: URL(fileURLWithPath: "model.ubj")))
/// doc["learner"]?["learner_model_param"]?["num_feature"]?.string   // "68"
/// ```
indirect enum ModelDocument: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([ModelDocument])
    case object([String: ModelDocument])

    subscript(key: String) -> ModelDocument? {
        if case let .object(fields) = self { return fields[key] }
        return nil
    }

    var items: [ModelDocument]? {
        if case let .array(list) = self { return list }
        return nil
    }

    var string: String? {
        if case let .string(s) = self { return s }
        return nil
    }

    var int: Int? {
        switch self {
        case let .int(i): Int(exactly: i)
        case let .double(d): d == d.rounded() && abs(d) < 1e15 ? Int(d) : nil
        default: nil
        }
    }

    var double: Double? {
        switch self {
        case let .int(i): Double(i)
        case let .double(d): d
        default: nil
        }
    }

    struct Malformed: Error, CustomStringConvertible {
        var offset: Int
        var reason: String
        var description: String { "byte \(offset): \(reason)" }
    }

    static let maxDepth = 64

    /// Reads a UBJSON document (the subset XGBoost writes: objects, arrays with optional `$type`
    /// and `#count`, strings, integers, floats, booleans, null).
    init(ubjson data: Data) throws(Malformed) {
        var reader = UBJReader(bytes: [UInt8](data))
        self = try reader.value(depth: 0)
        guard reader.offset == reader.bytes.count else { throw Malformed(offset: reader.offset, reason: "content after the document") }
    }

    /// Converts a parsed JSON model.
    init(json obj: JSONCObject, depth: Int = 0) throws(Malformed) {
        guard depth < Self.maxDepth else { throw Malformed(offset: 0, reason: "nesting deeper than \(Self.maxDepth)") }
        if obj.isObject {
            var fields: [String: ModelDocument] = [:]
            for key in obj.keys {
                if let o = obj[key] { fields[key] = try ModelDocument(json: o, depth: depth + 1) } else { fields[key] = .null }
            }
            self = .object(fields)
        } else if obj.isArray {
            var list: [ModelDocument] = []
            list.reserveCapacity(obj.count)
            for i in 0..<obj.count {
                if let o = obj[i] { list.append(try ModelDocument(json: o, depth: depth + 1)) } else { list.append(.null) }
            }
            self = .array(list)
        } else if let s = obj.stringValue {
            self = .string(s)
        } else if let i = obj.intValue, !obj.jsonString.contains(".") {
            self = .int(Int64(i))
        } else if let d = obj.doubleValue {
            self = .double(d)
        } else if obj.jsonString == "true" || obj.jsonString == "false" {
            self = .bool(obj.jsonString == "true")
        } else {
            self = .null
        }
    }
}

/// A bounds-checked cursor over UBJSON bytes.
private struct UBJReader {
    let bytes: [UInt8]
    var offset = 0

    private func fail(_ why: String) -> ModelDocument.Malformed { ModelDocument.Malformed(offset: offset, reason: why) }

    mutating func byte() throws(ModelDocument.Malformed) -> UInt8 {
        guard offset < bytes.count else { throw fail("unexpected end of file") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func take(_ n: Int) throws(ModelDocument.Malformed) -> ArraySlice<UInt8> {
        guard n >= 0, n <= bytes.count - offset else { throw fail("a length of \(n) runs past the end of the file") }
        defer { offset += n }
        return bytes[offset..<offset + n]
    }

    mutating func bigEndian(_ n: Int) throws(ModelDocument.Malformed) -> UInt64 {
        try take(n).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// A number whose type marker is `marker`.
    mutating func number(_ marker: UInt8) throws(ModelDocument.Malformed) -> ModelDocument {
        switch marker {
        case UInt8(ascii: "i"): return .int(Int64(Int8(bitPattern: try byte())))
        case UInt8(ascii: "U"): return .int(Int64(try byte()))
        case UInt8(ascii: "I"): return .int(Int64(Int16(bitPattern: UInt16(try bigEndian(2)))))
        case UInt8(ascii: "l"): return .int(Int64(Int32(bitPattern: UInt32(try bigEndian(4)))))
        case UInt8(ascii: "L"): return .int(Int64(bitPattern: try bigEndian(8)))
        case UInt8(ascii: "d"): return .double(Double(Float(bitPattern: UInt32(try bigEndian(4)))))
        case UInt8(ascii: "D"): return .double(Double(bitPattern: try bigEndian(8)))
        default: throw fail("unknown type marker \(marker)")
        }
    }

    /// A length or count: an integer of any width, not negative.
    mutating func length() throws(ModelDocument.Malformed) -> Int {
        let marker = try byte()
        guard case let .int(n) = try number(marker) else { throw fail("a length must be an integer") }
        guard n >= 0, n <= Int64(bytes.count - offset) else { throw fail("a length of \(n) cannot fit in the \(bytes.count - offset) bytes left") }
        return Int(n)
    }

    mutating func string() throws(ModelDocument.Malformed) -> String {
        let n = try length()
        let raw = try take(n)
        guard let s = String(validating: raw, as: UTF8.self) else { throw fail("a string that is not UTF-8") }
        return s
    }

    mutating func value(depth: Int) throws(ModelDocument.Malformed) -> ModelDocument {
        try value(marker: try byte(), depth: depth)
    }

    mutating func value(marker: UInt8, depth: Int) throws(ModelDocument.Malformed) -> ModelDocument {
        guard depth < ModelDocument.maxDepth else { throw fail("nesting deeper than \(ModelDocument.maxDepth)") }
        switch marker {
        case UInt8(ascii: "Z"): return .null
        case UInt8(ascii: "T"): return .bool(true)
        case UInt8(ascii: "F"): return .bool(false)
        case UInt8(ascii: "S"), UInt8(ascii: "H"): return .string(try string())
        case UInt8(ascii: "C"): return .string(String(UnicodeScalar(try byte())))
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            let isObject = marker == UInt8(ascii: "{")
            var type: UInt8?
            var count: Int?
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "$") {
                offset += 1
                let t = try byte()
                // Items of these types take no bytes: a count could then stand for any amount of work.
                if [UInt8(ascii: "Z"), UInt8(ascii: "T"), UInt8(ascii: "F"), UInt8(ascii: "N")].contains(t) {
                    throw fail("a container typed '\(Character(UnicodeScalar(t)))' (XGBoost writes none)")
                }
                type = t
            }
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "#") { offset += 1; count = try length() }
            if type != nil, count == nil { throw fail("a typed container needs a count") }
            if let count, count > bytes.count - offset {
                throw fail("a container of \(count) items cannot fit in the \(bytes.count - offset) bytes left")
            }
            var list: [ModelDocument] = []
            var fields: [String: ModelDocument] = [:]
            var i = 0
            while true {
                if let count { if i == count { break } } else {
                    guard offset < bytes.count else { throw fail("unexpected end of file in a container") }
                    if bytes[offset] == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) { offset += 1; break }
                }
                let key = isObject ? try string() : ""
                let itemMarker: UInt8
                if let type { itemMarker = type } else { itemMarker = try byte() }
                let item = try value(marker: itemMarker, depth: depth + 1)
                if isObject { fields[key] = item } else { list.append(item) }
                i += 1
            }
            return isObject ? .object(fields) : .array(list)
        default:
            return try number(marker)
        }
    }
}
