import CJSONC
import Foundation

/// One parsed JSON value from json-c, owned by this object and freed with it.
///
/// Bulk inputs (data sets, streams of architectures) go through json-c, which parses them much
/// faster than Foundation's decoder; accessors name the missing or mistyped key in their errors.
///
/// ```swift
/// let obj = try JSONCObject(parsing: #"{"r": 224, "top1": 76.1}"#)
/// try obj.int("r")        // 224
/// try obj.double("top1")  // 76.1
/// ```
public final class JSONCObject: @unchecked Sendable {
    let raw: OpaquePointer
    private let owner: JSONCObject?

    /// Parses one JSON document, strictly: RFC 8259 JSON only (see ``StrictJSON``), so a file
    /// that another JSON reader would refuse is refused here too.
    public init(parsing text: String) throws(JSONInputError) {
        try StrictJSON.check(text)
        guard let tokener = json_tokener_new() else { throw .malformed("json-c could not allocate a parser") }
        defer { json_tokener_free(tokener) }
        // Strict mode refuses what the scan above does not see (trailing commas); content after
        // the value is checked below, with a clearer message than json-c's.
        json_tokener_set_flags(tokener, Int32(JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS))
        // Parse the whole text (its terminating NUL included, so a bare number completes) and
        // refuse anything after the first value: json-c alone would silently drop it.
        var trailing = false
        let parsed: OpaquePointer? = text.withCString { p in
            let length = strlen(p)
            guard let obj = json_tokener_parse_ex(tokener, p, Int32(length + 1)),
                  json_tokener_get_error(tokener) == json_tokener_success else { return nil }
            var i = json_tokener_get_parse_end(tokener)
            while i < length {
                if isspace(Int32(p[i])) == 0 { trailing = true; json_object_put(obj); return nil }
                i += 1
            }
            return obj
        }
        guard let obj = parsed else {
            if trailing { throw .malformed("unexpected content after the JSON value") }
            var error = json_tokener_get_error(tokener)
            if error == json_tokener_success || error == json_tokener_continue { error = json_tokener_error_parse_eof }
            throw .malformed(String(cString: json_tokener_error_desc(error)))
        }
        raw = obj
        owner = nil
    }

    private init(borrowing raw: OpaquePointer, owner: JSONCObject) {
        self.raw = raw
        self.owner = owner
    }

    deinit { if owner == nil { json_object_put(raw) } }

    public var isObject: Bool { json_object_is_type(raw, json_type_object) != 0 }
    public var isArray: Bool { json_object_is_type(raw, json_type_array) != 0 }
    public var isNull: Bool { json_object_is_type(raw, json_type_null) != 0 }
    public var isNumber: Bool { json_object_is_type(raw, json_type_int) != 0 || json_object_is_type(raw, json_type_double) != 0 }

    /// Keys of an object, in document order.
    public var keys: [String] {
        guard isObject else { return [] }
        var out: [String] = []
        var it = json_object_iter_begin(raw), end = json_object_iter_end(raw)
        while json_object_iter_equal(&it, &end) == 0 {
            out.append(String(cString: json_object_iter_peek_name(&it)))
            json_object_iter_next(&it)
        }
        return out
    }

    /// A missing key, or one whose value is `null` (json-c stores both as no object).
    /// `shown` names the key in the message (a dotted path, say) when it differs.
    package func absent(_ key: String, shown: String? = nil) -> JSONInputError {
        let name = shown ?? key
        return isObject && json_object_object_get_ex(raw, key, nil) != 0 ? .wrongType(key: name, expected: "a value, not null") : .missingKey(name)
    }

    /// The member `key`, or nil when absent or `null`.
    public subscript(key: String) -> JSONCObject? {
        var child: OpaquePointer?
        guard isObject, json_object_object_get_ex(raw, key, &child) != 0, let child else { return nil }
        return JSONCObject(borrowing: child, owner: owner ?? self)
    }

    public var count: Int { isArray ? Int(json_object_array_length(raw)) : 0 }

    /// The element at `index`, or nil when it is JSON `null` (json-c stores null as no object)
    /// or out of range.
    public subscript(index: Int) -> JSONCObject? {
        guard isArray, index >= 0, index < count, let child = json_object_array_get_idx(raw, index) else { return nil }
        return JSONCObject(borrowing: child, owner: owner ?? self)
    }

    /// The value as an integer, when it is an integral number.
    public var intValue: Int? {
        if json_object_is_type(raw, json_type_int) != 0 { return Int(json_object_get_int64(raw)) }
        if json_object_is_type(raw, json_type_double) != 0 {
            let v = json_object_get_double(raw)
            return v == v.rounded() && abs(v) < 1e15 ? Int(v) : nil
        }
        return nil
    }

    /// The value as a finite number (a literal beyond the double range, such as 1e400, is not one).
    public var doubleValue: Double? {
        guard isNumber else { return nil }
        let v = json_object_get_double(raw)
        return v.isFinite ? v : nil
    }
    public var boolValue: Bool? {
        json_object_is_type(raw, json_type_boolean) != 0 ? json_object_get_boolean(raw) != 0 : nil
    }
    public var stringValue: String? {
        json_object_is_type(raw, json_type_string) != 0 ? String(cString: json_object_get_string(raw)) : nil
    }

    public func int(_ key: String) throws(JSONInputError) -> Int {
        guard let v = self[key] else { throw absent(key) }
        guard let i = v.intValue else { throw .wrongType(key: key, expected: "an integer") }
        return i
    }

    public func double(_ key: String) throws(JSONInputError) -> Double {
        guard let v = self[key] else { throw absent(key) }
        guard let d = v.doubleValue else { throw .wrongType(key: key, expected: "a finite number") }
        return d
    }

    public func string(_ key: String) throws(JSONInputError) -> String {
        guard let v = self[key] else { throw absent(key) }
        guard let s = v.stringValue else { throw .wrongType(key: key, expected: "a string") }
        return s
    }

    public func intArray(_ key: String) throws(JSONInputError) -> [Int] {
        guard let v = self[key] else { throw absent(key) }
        guard v.isArray else { throw .wrongType(key: key, expected: "a list of integers") }
        var out: [Int] = []
        out.reserveCapacity(v.count)
        for i in 0..<v.count {
            guard let x = v[i]?.intValue else { throw .wrongType(key: "\(key)[\(i)]", expected: "an integer") }
            out.append(x)
        }
        return out
    }

    public func doubleArray(_ key: String) throws(JSONInputError) -> [Double] {
        guard let v = self[key] else { throw absent(key) }
        guard v.isArray else { throw .wrongType(key: key, expected: "a list of numbers") }
        var out: [Double] = []
        out.reserveCapacity(v.count)
        for i in 0..<v.count {
            guard let x = v[i]?.doubleValue else { throw .wrongType(key: "\(key)[\(i)]", expected: "a finite number") }
            out.append(x)
        }
        return out
    }

    /// The value serialized compactly (json-c's plain form).
    public var jsonString: String {
        String(cString: json_object_to_json_string_ext(raw, Int32(JSON_C_TO_STRING_PLAIN)))
    }
}

/// A problem with JSON input; ``JSONLines`` adds the file and line.
public enum JSONInputError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    case missingKey(String)
    case wrongType(key: String, expected: String)
    case invalid(String)
    case at(source: String, line: Int, reason: String)
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .malformed(why): "malformed JSON: \(why)"
        case let .missingKey(key): "missing key '\(key)'"
        case let .wrongType(key, expected): "key '\(key)' must be \(expected)"
        case let .invalid(why): why
        case let .at(source, line, reason): "\(source):\(line): \(reason)"
        case let .unreadable(path, reason): "cannot read \(path): \(reason)"
        }
    }
}

/// Reads JSON Lines (one object per line, blank lines skipped) with json-c.
///
/// ```swift
/// let rows = try JSONLines.read(path: "data.jsonl") { obj in try obj.double("top1") }
/// ```
public enum JSONLines {
    /// Parses every non-blank line and maps it with `transform`; an error names the source and
    /// the line.
    public static func parse<T>(_ text: String, source: String,
                                _ transform: (JSONCObject) throws -> T) throws(JSONInputError) -> [T] {
        try parseNumbered(text, source: source, transform).map(\.value)
    }

    /// Like ``parse(_:source:_:)``, with each value's line number. Blank means JSON whitespace
    /// only (space, tab, CR, LF): a line of other invisible characters is an error, not skipped.
    public static func parseNumbered<T>(_ text: String, source: String,
                                        _ transform: (JSONCObject) throws -> T) throws(JSONInputError) -> [(line: Int, value: T)] {
        var out: [(line: Int, value: T)] = []
        var lineNumber = 0
        // "\r\n" is one Character in Swift: split on both line ends.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            let trimmed = line.jsonTrimmed
            if trimmed.isEmpty { continue }
            do {
                let obj = try JSONCObject(parsing: String(trimmed))
                guard obj.isObject else { throw JSONInputError.invalid("expected a JSON object") }
                out.append((lineNumber, try transform(obj)))
            } catch {
                throw .at(source: source, line: lineNumber, reason: "\(error)")
            }
        }
        return out
    }

    /// Reads and parses a file.
    public static func read<T>(path: String, _ transform: (JSONCObject) throws -> T) throws(JSONInputError) -> [T] {
        let text: String
        do { text = try InputFile.readText(path) } catch { throw .unreadable(path: error.path, reason: error.reason) }
        return try parse(text, source: path, transform)
    }
}

extension StringProtocol {
    /// The text without JSON whitespace (space, tab, CR, LF) at either end: what JSON ignores,
    /// and no more (Foundation's whitespace set also takes U+200B and friends).
    public var jsonTrimmed: SubSequence {
        let isJSONSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isJSONSpace($0) }), let last = lastIndex(where: { !isJSONSpace($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
