import Foundation

/// A strict JSON reader for documents made mostly of numbers: OFA's tutorial MLP holds 230,000
/// weights in 4.6 MB, which json-c reads as one heap object per number (and `strtod` for each),
/// most of `predict`'s start-up. Here a list of numbers becomes one `[Double]`, and a number of
/// at most 15 significant digits with a power of ten up to 10²² is converted with one exact
/// multiplication or division (correctly rounded, as `strtod`, which the rest still go to), so
/// the values are the ones json-c gives, bit for bit.
///
/// It reads RFC 8259 JSON only (no `NaN`, single quotes, comments, leading zeros, raw control
/// characters or escaped NULs), so what it accepts ``StrictJSON`` accepts too; a text it refuses
/// is refused with ``StrictJSON``'s line-and-column message when that scan finds the problem, else
/// with the byte offset of the first grammar problem.
///
/// ```swift
/// let doc = try NumericJSON(parsing: #"{"bias": [0.25, -1e-3], "kind": "mlp"}"#)
/// doc["bias"]?.numbers      // [0.25, -0.001]
/// doc["kind"]?.string       // "mlp"
/// ```
public enum NumericJSON: Sendable {
    case object([(String, NumericJSON)])
    /// A list holding something other than numbers only (or nothing).
    case array([NumericJSON])
    /// A non-empty list of numbers.
    case numbers([Double])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    /// Deeper nesting is refused (json-c's limit is 32; no numeric document needs more).
    public static let maxDepth = 64

    public init(parsing text: String) throws(JSONInputError) {
        var copy = text
        let result: Result<NumericJSON, JSONInputError> = copy.withUTF8 { bytes in
            var parser = Parser(bytes: bytes)
            do throws(JSONInputError) {
                let value = try parser.value(depth: 0)
                parser.skipSpace()
                guard parser.i == bytes.count else { throw parser.failure("unexpected content after the JSON value") }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case let .success(value): self = value
        case let .failure(error):
            // The reader is strict on its own (it accepts only RFC 8259 JSON); on a failure the
            // lexical scan, which names line and column and says what is not JSON, speaks first.
            try StrictJSON.check(text)
            throw error
        }
    }

    public subscript(key: String) -> NumericJSON? {
        guard case let .object(fields) = self else { return nil }
        // A repeated key reads as json-c reads it: the last one.
        return fields.last { $0.0 == key }?.1
    }

    public var string: String? { if case let .string(s) = self { s } else { nil } }

    /// The list of numbers (an empty list too); nil for anything else.
    public var numbers: [Double]? {
        switch self {
        case let .numbers(values): values
        case let .array(items) where items.isEmpty: []
        default: nil
        }
    }

    /// The elements of a list (numbers as `.number`); nil for anything else.
    public var elements: [NumericJSON]? {
        switch self {
        case let .array(items): items
        case let .numbers(values): values.map { .number($0) }
        default: nil
        }
    }

    package struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        package var i = 0

        package init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        func failure(_ why: String) -> JSONInputError { .malformed("byte \(i + 1): \(why)") }

        mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        }

        mutating func expect(_ c: UInt8) throws(JSONInputError) {
            skipSpace()
            guard i < bytes.count, bytes[i] == c else { throw failure("expected '\(Character(UnicodeScalar(c)))'") }
            i += 1
        }

        mutating func value(depth: Int) throws(JSONInputError) -> NumericJSON {
            guard depth < NumericJSON.maxDepth else { throw failure("nested deeper than \(NumericJSON.maxDepth) levels") }
            skipSpace()
            guard i < bytes.count else { throw failure("unexpected end of the text") }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                var fields: [(String, NumericJSON)] = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(fields) }
                while true {
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw failure("expected a key in quotes") }
                    let key = try string()
                    try expect(UInt8(ascii: ":"))
                    fields.append((key, try value(depth: depth + 1)))
                    skipSpace()
                    guard i < bytes.count else { throw failure("unexpected end inside an object") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(fields) }
                    throw failure("expected ',' or '}'")
                }
            case UInt8(ascii: "["):
                i += 1
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array([]) }
                var numbers: [Double] = []
                var items: [NumericJSON]?
                while true {
                    skipSpace()
                    guard i < bytes.count else { throw failure("unexpected end inside a list") }
                    let c = bytes[i]
                    if items == nil, c == UInt8(ascii: "-") || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) {
                        numbers.append(try number())
                    } else {
                        if items == nil { items = numbers.map { .number($0) } }
                        items!.append(try value(depth: depth + 1))
                    }
                    skipSpace()
                    guard i < bytes.count else { throw failure("unexpected end inside a list") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "]") { i += 1; return items.map { .array($0) } ?? .numbers(numbers) }
                    throw failure("expected ',' or ']'")
                }
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default: return .number(try number())
            }
        }

        mutating func literal(_ word: StaticString) throws(JSONInputError) {
            let n = word.utf8CodeUnitCount
            guard i + n <= bytes.count, (0..<n).allSatisfy({ bytes[i + $0] == word.utf8Start[$0] }) else {
                throw failure("expected \(word)")
            }
            i += n
        }

        /// A string (escapes were checked by ``StrictJSON``).
        mutating func string() throws(JSONInputError) -> String {
            i += 1
            let start = i
            while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\\") {
                guard bytes[i] >= 0x20 else { throw failure("a raw control character inside a string") }
                i += 1
            }
            guard i < bytes.count else { throw failure("unterminated string") }
            if bytes[i] == UInt8(ascii: "\"") {
                defer { i += 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            }
            // Escapes (rare in a numeric document): the lexical scan checks the literal, then
            // Foundation's JSON decoder reads it.
            var end = i
            while end < bytes.count, bytes[end] != UInt8(ascii: "\"") { end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1 }
            guard end < bytes.count else { throw failure("unterminated string") }
            let literal = String(decoding: UnsafeBufferPointer(rebasing: bytes[(start - 1)...end]), as: UTF8.self)
            i = end + 1
            do { try StrictJSON.check(literal) } catch { throw failure("a string with an invalid escape or character") }
            guard let s = try? JSONDecoder().decode(String.self, from: Data(literal.utf8)) else { throw failure("a string with an invalid escape") }
            return s
        }

        static let powers: [Double] = (0...22).map { pow(10, Double($0)) }

        /// A number, lexed strictly (RFC 8259: no leading zeros, digits after `.` and `e`); see the
        /// type's note on exactness.
        package mutating func number() throws(JSONInputError) -> Double {
            let start = i
            let n = bytes.count
            var negative = false
            if bytes[i] == 0x2D { negative = true; i += 1 }
            var mantissa: UInt64 = 0, significant = 0, exponent = 0
            var exact = true
            guard i < n, bytes[i] &- 0x30 < 10 else { throw failure("a number needs digits") }
            if bytes[i] == 0x30, i + 1 < n, bytes[i + 1] &- 0x30 < 10 { throw failure("a leading zero is not JSON") }
            while i < n {
                let d = bytes[i] &- 0x30
                guard d < 10 else { break }
                if significant < 19 { mantissa = mantissa &* 10 &+ UInt64(d); if mantissa != 0 { significant += 1 } } else { exponent += 1; exact = false }
                i += 1
            }
            if i < n, bytes[i] == 0x2E {
                i += 1
                guard i < n, bytes[i] &- 0x30 < 10 else { throw failure("a number needs digits after '.'") }
                while i < n {
                    let d = bytes[i] &- 0x30
                    guard d < 10 else { break }
                    if significant < 19 { mantissa = mantissa &* 10 &+ UInt64(d); exponent -= 1; if mantissa != 0 { significant += 1 } } else { exact = false }
                    i += 1
                }
            }
            if i < n, bytes[i] == 0x65 || bytes[i] == 0x45 {
                i += 1
                var sign = 1
                if i < n, bytes[i] == 0x2B || bytes[i] == 0x2D { sign = bytes[i] == 0x2D ? -1 : 1; i += 1 }
                guard i < n, bytes[i] &- 0x30 < 10 else { throw failure("a number needs digits in its exponent") }
                var e = 0
                while i < n {
                    let d = bytes[i] &- 0x30
                    guard d < 10 else { break }
                    if e < 100_000 { e = e * 10 + Int(d) }
                    i += 1
                }
                exponent += sign * e
            }
            if exact, significant <= 15, abs(exponent) <= 22 {
                var v = Double(mantissa)
                v = exponent < 0 ? v / Self.powers[-exponent] : v * Self.powers[exponent]
                return negative ? -v : v
            }
            let token = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            return strtod(token, nil)
        }
    }
}
