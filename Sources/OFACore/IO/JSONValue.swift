/// A JSON value for output, with ordered keys and a deterministic rendering (shortest round-trip
/// form for doubles), so the same result always prints byte for byte the same.
///
/// ```swift
/// JSONValue.object([("target", .double(25)), ("arch", arch.json)]).rendered()
/// ```
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.rendered() == b.rendered() }

    /// The value with every object field whose number is undefined (NaN or infinite) left out,
    /// at any depth: a metric that does not exist for the data (Kendall τ of one row) is absent,
    /// not `null` where a reader expects a number.
    public var omittingUndefinedNumbers: JSONValue {
        switch self {
        case let .array(items): .array(items.map(\.omittingUndefinedNumbers))
        case let .object(fields):
            .object(fields.compactMap { key, value in
                if case let .double(d) = value, !d.isFinite { return nil }
                return (key, value.omittingUndefinedNumbers)
            })
        default: self
        }
    }

    /// Compact JSON text; `indent` pretty-prints with that many spaces.
    public func rendered(indent: Int? = nil) -> String {
        var out = ""
        render(into: &out, indent: indent, level: 0)
        return out
    }

    private func render(into out: inout String, indent: Int?, level: Int) {
        switch self {
        case .null: out += "null"
        case let .bool(b): out += b ? "true" : "false"
        case let .int(i): out += String(i)
        case let .double(d):
            if d.isFinite { out += d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d) } else { out += "null" }
        case let .string(s): Self.quote(s, into: &out)
        case let .array(items):
            // Arrays of scalars stay on one line; arrays holding objects are laid out like objects.
            let nested = indent != nil && items.contains { if case .object = $0 { true } else { false } }
            let pad = nested ? "\n" + String(repeating: " ", count: indent! * (level + 1)) : nil
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += indent == nil || nested ? "," : ", " }
                if let pad { out += pad }
                item.render(into: &out, indent: nested ? indent : nil, level: level + 1)
            }
            if nested { out += "\n" + String(repeating: " ", count: indent! * level) }
            out += "]"
        case let .object(fields):
            out += "{"
            let pad = indent.map { "\n" + String(repeating: " ", count: $0 * (level + 1)) }
            for (i, (key, value)) in fields.enumerated() {
                if i > 0 { out += "," }
                if let pad { out += pad }
                Self.quote(key, into: &out)
                out += indent == nil ? ":" : ": "
                value.render(into: &out, indent: indent, level: level + 1)
            }
            if let indent, !fields.isEmpty { out += "\n" + String(repeating: " ", count: indent * level) }
            out += "}"
        }
    }

    private static func quote(_ s: String, into out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20: out += "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count) + String(u.value, radix: 16)
            default: out.unicodeScalars.append(u)
            }
        }
        out += "\""
    }
}
