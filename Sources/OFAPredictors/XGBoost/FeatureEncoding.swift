import OFACore
import OFAXGBoost

/// How an architecture becomes the feature vector an XGBoost model reads.
///
/// Every encoding starts with the raw choices: kernel size and expand ratio of each of the 20
/// blocks as ordinal values (0 for a block the unit's depth skips), the 5 unit depths and the
/// resolution. `.unitSums` adds, per unit, Σk²·e, Σe and Σk over its active blocks, the total
/// number of active blocks, and a MACs estimate per unit and for the whole network (OFA's layer
/// structure at the encoding's width). Trees split on one feature at a time, so these additive
/// summaries spare them from composing capacity out of dozens of splits; grouped 5-fold CV
/// chose them (see docs/xgboost.md).
///
/// The `name` (e.g. `ordinal+units/w1.0/v1`) and `count` are recorded in a model's provenance;
/// loading refuses a model whose encoding differs.
///
/// ```swift
/// let encoding = FeatureEncoding(kind: .unitSums, width: .w1_0)
/// let x = encoding.encode([arch])   // encoding.count floats per architecture
/// ```
public struct FeatureEncoding: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        /// Per-block kernel and expand ordinals, depths, resolution (46 features).
        case ordinal
        /// `ordinal` plus per-unit sums and MACs estimates (68 features).
        case unitSums = "ordinal+units"
    }

    /// Bumped whenever the features of a kind change meaning.
    public static let version = 1

    public let kind: Kind
    /// Channel widths used by the MACs features.
    public let width: NetworkWidth

    public init(kind: Kind, width: NetworkWidth) {
        self.kind = kind
        self.width = width
    }

    /// Parses a name written by ``name``.
    public init(name: String) throws(XGBoostError) {
        let parts = name.split(separator: "/").map(String.init)
        guard parts.count == 3, let kind = Kind(rawValue: parts[0]),
              let width = [NetworkWidth.w1_0, .w1_2].first(where: { $0.name == parts[1] }) else {
            throw .invalidArgument("unknown feature encoding '\(name)'; expected KIND/WIDTH/vN with KIND one of \(Kind.allCases.map(\.rawValue).joined(separator: ", ")) and WIDTH w1.0 or w1.2")
        }
        guard parts[2] == "v\(Self.version)" else {
            throw .invalidArgument("feature encoding '\(name)' has version \(parts[2]); this build writes v\(Self.version)")
        }
        self.init(kind: kind, width: width)
    }

    /// Name and version recorded in provenance, e.g. `ordinal+units/w1.0/v1`.
    public var name: String { "\(kind.rawValue)/\(width.name)/v\(Self.version)" }
    public var description: String { name }

    /// Number of features per architecture.
    public var count: Int { kind == .ordinal ? 46 : 68 }

    /// Index of the resolution feature.
    public static let resolutionIndex = 45

    /// Names of the features, in order (for inspection and importance reports).
    public var featureNames: [String] {
        var names = (0..<20).map { "k\($0)" } + (0..<20).map { "e\($0)" } + (0..<5).map { "d\($0)" } + ["r"]
        if kind == .unitSums {
            for u in 0..<5 { names += ["u\(u).sum_k2e", "u\(u).sum_e", "u\(u).sum_k"] }
            names += ["blocks"] + (0..<5).map { "u\($0).macs" } + ["macs"]
        }
        return names
    }

    /// Row-major features of `archs`, `count` per architecture.
    public func encode(_ archs: [Architecture]) -> [Float] {
        var out = [Float](repeating: 0, count: archs.count * count)
        out.withUnsafeMutableBufferPointer { buffer in
            for (i, arch) in archs.enumerated() {
                encode(arch, into: UnsafeMutableBufferPointer(rebasing: buffer[(i * count)..<((i + 1) * count)]))
            }
        }
        return out
    }

    /// Writes the features of one architecture into `row` (`count` values).
    public func encode(_ arch: Architecture, into row: UnsafeMutableBufferPointer<Float>) {
        for b in 0..<Architecture.blockCount {
            row[b] = Float(arch.kernelSize(block: b))
            row[20 + b] = Float(arch.expandRatio(block: b))
        }
        for u in 0..<Architecture.unitCount { row[40 + u] = Float(arch.depth(unit: u)) }
        row[Self.resolutionIndex] = Float(arch.resolution)
        guard kind == .unitSums else { return }
        var blocks = 0
        for u in 0..<Architecture.unitCount {
            var k2e = 0, se = 0, sk = 0
            for j in 0..<arch.depth(unit: u) {
                let k = arch.kernelSize(block: u * 4 + j), e = arch.expandRatio(block: u * 4 + j)
                k2e += k * k * e; se += e; sk += k
            }
            blocks += arch.depth(unit: u)
            row[46 + 3 * u] = Float(k2e); row[47 + 3 * u] = Float(se); row[48 + 3 * u] = Float(sk)
        }
        row[61] = Float(blocks)
        let macs = unitMACs(arch)
        for u in 0..<5 { row[62 + u] = Float(macs.units[u]) }
        row[67] = Float(macs.total)
    }

    /// Multiply-accumulates of each elastic unit and of the whole network, counted over the
    /// convolutions and linear layers (expand 1×1, depthwise k×k, SE, project 1×1) at the
    /// encoding's width. A feature, not a reference count (no biases, no activations).
    func unitMACs(_ arch: Architecture) -> (units: [Double], total: Double) {
        let w = width
        var h = (arch.resolution + 1) / 2
        let stem = Double(w.stemChannels)
        var total = Double(h * h) * (27 * stem + 9 * stem + stem * stem)
        var units = [Double](repeating: 0, count: 5)
        var cin = w.stemChannels
        for u in 0..<Architecture.unitCount {
            let cout = w.unitChannels[u]
            var m = 0.0
            for j in 0..<arch.depth(unit: u) {
                let b = u * 4 + j
                let k = arch.kernelSize(block: b), e = arch.expandRatio(block: b)
                let stride = j == 0 ? NetworkWidth.unitStrides[u] : 1
                let ho = (h + stride - 1) / stride
                let mid = NetworkWidth.midChannels(input: cin, expand: e)
                m += Double(cin * mid * h * h + mid * k * k * ho * ho + mid * cout * ho * ho)
                if NetworkWidth.unitUsesSE[u] { m += Double(2 * mid * NetworkWidth.seChannels(mid: mid)) }
                h = ho; cin = cout
            }
            units[u] = m
            total += m
        }
        total += Double(cin * w.finalExpandChannels * h * h + w.finalExpandChannels * w.featureMixChannels
                        + w.featureMixChannels * NetworkWidth.classes)
        return (units, total)
    }
}
