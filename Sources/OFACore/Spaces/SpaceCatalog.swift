/// The named spaces ofasearch knows, with their default resolutions.
///
/// ```swift
/// let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.0")          // 128...224 step 4
/// let narrow = try SpaceCatalog.space(named: "ofa-mbv3-w1.2", resolutions: [160, 224])
/// ```
public enum SpaceCatalog {
    public static let names = [
        "ofa-mbv3-w1.0", "ofa-mbv3-w1.2",
        "compofa-mbv3-w1.0", "compofa-mbv3-w1.2",
        "compofa-elastic-mbv3-w1.0", "compofa-elastic-mbv3-w1.2",
    ]

    /// Resolutions a supernet of this width serves: 128...224 (w1.0) or 160...224 (w1.2), step 4.
    public static func defaultResolutions(_ width: NetworkWidth) -> [Int] {
        Array(stride(from: width == .w1_0 ? 128 : 160, through: 224, by: 4))
    }

    /// Looks a space up by name, optionally narrowed to some of its resolutions.
    public static func space(named name: String, resolutions: [Int]? = nil) throws(SpaceError) -> any SearchSpace {
        let width: NetworkWidth
        if name.hasSuffix("-w1.0") { width = .w1_0 } else if name.hasSuffix("-w1.2") { width = .w1_2 } else {
            throw .unknownSpace(name, known: names)
        }
        let allowed = defaultResolutions(width)
        let chosen = resolutions ?? allowed
        guard !chosen.isEmpty, chosen.allSatisfy(allowed.contains) else {
            throw .resolutionsOutsideSpace(space: name, given: chosen, allowed: allowed)
        }
        let unique = Array(Set(chosen)).sorted()
        switch name.dropLast(5) {
        case "ofa-mbv3": return OFASpace(width: width, resolutions: unique)
        case "compofa-mbv3": return CompOFASpace(width: width, kernels: .fixed, resolutions: unique)
        case "compofa-elastic-mbv3": return CompOFASpace(width: width, kernels: .elastic, resolutions: unique)
        default: throw .unknownSpace(name, known: names)
        }
    }
}
