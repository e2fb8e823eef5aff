// Used by every error message that quotes input, in every layer.
extension StringProtocol {
    /// The text as quoted in an error: at most 80 characters (a JSON file given as a table is
    /// one line of megabytes), control characters escaped.
    package var excerpt: String { (count <= 80 ? String(self) : String(prefix(77)) + "...").printable }

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
