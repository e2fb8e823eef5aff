/// The one lexical check every JSON input passes before json-c parses it.
///
/// json-c is lenient, even in its strict mode: it reads single-quoted strings, `NaN` and
/// `Infinity`, `1.`, raw control characters inside strings, and stops at a NUL byte (whatever
/// follows is silently dropped). A user whose file another tool refuses should not get numbers
/// from it here, so ofasearch reads RFC 8259 JSON only. This scan walks the bytes once, outside
/// and inside strings, and names the line and column of the first thing that is not JSON;
/// json-c's strict mode then handles the grammar (nesting, commas, leading zeros).
///
/// ```swift
/// try StrictJSON.check(#"{"r": 224}"#)          // fine
/// try StrictJSON.check("{'r': 224}")            // throws: 1:2: single-quoted strings are not JSON
/// ```
public enum StrictJSON {
    public static func check(_ text: String) throws(JSONInputError) {
        var copy = text
        let problem: (offset: Int, why: String)? = copy.withUTF8 { scan($0) }
        guard let problem else { return }
        let (line, column) = position(of: problem.offset, in: text)
        let where_ = line == 1 ? "column \(column)" : "line \(line), column \(column)"
        throw .malformed("\(where_): \(problem.why) (ofasearch reads strict JSON)")
    }

    private static func scan(_ b: UnsafeBufferPointer<UInt8>) -> (Int, String)? {
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            switch c {
            case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "["), UInt8(ascii: "]"),
                 UInt8(ascii: ","), UInt8(ascii: ":"):
                i += 1
            case UInt8(ascii: "\""):
                i += 1
                while true {
                    guard i < n else { return (i, "unterminated string") }
                    let s = b[i]
                    if s == UInt8(ascii: "\"") { i += 1; break }
                    if s < 0x20 { return (i, s == 0 ? "a NUL byte inside a string" : "a raw control character inside a string (escape it)") }
                    if s == UInt8(ascii: "\\") {
                        guard i + 1 < n else { return (i, "unterminated escape") }
                        switch b[i + 1] {
                        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                            i += 2
                        case UInt8(ascii: "u"):
                            guard i + 5 < n, (2...5).allSatisfy({ isHex(b[i + $0]) }) else { return (i, "a \\u escape needs four hex digits") }
                            // json-c ends the string at an escaped NUL; refuse it rather than lose the rest.
                            if (2...5).allSatisfy({ b[i + $0] == UInt8(ascii: "0") }) { return (i, "an escaped NUL (\\u0000) inside a string") }
                            i += 6
                        default:
                            return (i, "an invalid escape")
                        }
                        continue
                    }
                    i += 1
                }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = i
                i = number(b, from: i)
                if i < 0 { return (start, "a malformed number (JSON numbers are like -12, 0.5, 1e-3, without leading zeros)") }
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
                let start = i
                while i < n, isWordByte(b[i]) { i += 1 }
                let word = String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
                guard word == "true" || word == "false" || word == "null" else {
                    let shown = word.count > 20 ? String(word.prefix(20)) + "…" : word
                    return (start, "'\(shown)' is not a JSON value (NaN and Infinity are not JSON; use null or a number)")
                }
            case UInt8(ascii: "'"):
                return (i, "single-quoted strings are not JSON (use double quotes)")
            case UInt8(ascii: "/"), UInt8(ascii: "#"):
                return (i, "comments are not JSON")
            case 0:
                return (i, "a NUL byte")
            default:
                return (i, c < 0x80 ? "unexpected character '\(String(Character(Unicode.Scalar(c))).printable)'" : "unexpected non-ASCII character outside a string")
            }
        }
        return nil
    }

    /// The end of the number starting at `i`, or -1 when it does not follow JSON's grammar
    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    private static func number(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var i = start
        let n = b.count
        func digits() -> Bool {
            let s = i
            while i < n, isDigit(b[i]) { i += 1 }
            return i > s
        }
        if b[i] == UInt8(ascii: "-") { i += 1 }
        let first = i
        guard digits() else { return -1 }
        if b[first] == UInt8(ascii: "0"), i - first > 1 { return -1 }   // a leading zero
        if i < n, b[i] == UInt8(ascii: ".") { i += 1; guard digits() else { return -1 } }
        if i < n, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < n, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() else { return -1 }
        }
        if i < n, isWordByte(b[i]) || b[i] == UInt8(ascii: ".") { return -1 }
        return i
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
    private static func isHex(_ c: UInt8) -> Bool {
        isDigit(c) || (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "f"))
    }
    private static func isWordByte(_ c: UInt8) -> Bool {
        isDigit(c) || (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "z")) || c == UInt8(ascii: "_")
    }

    /// 1-based line and column (in characters) of a byte offset.
    private static func position(of offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1, column = 1, seen = 0
        for scalar in text.unicodeScalars {
            if seen >= offset { break }
            seen += UTF8.width(scalar)
            if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return (line, column)
    }
}
