/// Turns names written in a manifest (the experiment's, parts', strategies') into file-name
/// components that stay inside the folder they are written to: every character other than a
/// letter, a digit, `-`, `.` and `_` becomes `-` (so no `/`), and a name made only of dots (`.`,
/// `..`), or no name at all, becomes dashes. The one function for run ids, plot names and the
/// default output folder `out/<name>`.
///
/// ```swift
/// SafeName.slug("note10 / mlp")   // "note10---mlp"
/// SafeName.slug("../../x")        // "---..-x" (a name inside out/, not two levels above it)
/// SafeName.slug("..")             // "--"
/// ```
public enum SafeName {
    /// The longest manifest, part or strategy name accepted, in UTF-8 bytes.
    public static let maxNameBytes = 64
    /// The longest run id accepted, in UTF-8 bytes: `runs/<id>.jsonl` and its temporary
    /// `<id>.jsonl.tmp-<pid>-<n>` must stay within the 255-byte file-name limit of common file
    /// systems (6 bytes of `.jsonl`, at most 46 of temporary suffix).
    public static let maxRunIDBytes = 200

    public static func slug(_ s: String) -> String {
        var mapped = String(s.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" ? $0 : "-" })
        // "." and ".." name the folder itself and its parent; a leading dot hides a file. An
        // underscore stands in for them (not "-": a folder "-x" reads as an option in a shell).
        let dots = mapped.prefix { $0 == "." }.count
        if dots > 0 { mapped = String(repeating: "_", count: dots) + mapped.dropFirst(dots) }
        return mapped.isEmpty ? "-" : mapped
    }
}
