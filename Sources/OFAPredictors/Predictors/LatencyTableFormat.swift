import OFACore

/// The two public per-layer latency key schemes, and how each names a layer.
///
/// - ``ofa``: OFA's tutorial tables, usually one file per resolution
///   (`note10/192_lookup_table.yaml`; `ofasearch lut profile` can also write them as one file). Keys `Conv-…`, `expanded_conv-…-expand:MID-kernel:K-stride:S-
///   idskip:I-se:S-hs:H` (MID = middle channel count), `Conv_1-…`, `AvgPool2D-…`, `Conv_2-…`,
///   `Logits-…`, summed the way `ofa/tutorial/latency_table.py` does.
/// - ``nsganetv2``: nsganetv2's table, one file for all resolutions (`i7-8700k_lut.yaml`). Keys `first_conv-…`,
///   `MBConv-…-expand:RATIO-kernel:K-stride:S-idskip:I-se:S` (no h-swish field; the fixed first
///   block is `expand:1`), `final_expand_layer-…`, `feature_mix_layer-…`, `classifier-…`, summed the
///   way nsganetv2's `look_up_latency` does (no pooling entry).
///
/// ```swift
/// LatencyTableFormat.ofa.stemKey(width: .w1_2, resolution: 192)
/// // "Conv-input:192x192x3-output:96x96x24"
/// ```
public enum LatencyTableFormat: String, Sendable, Hashable {
    case ofa = "ofa"
    case nsganetv2 = "nsganetv2"

    /// The scheme a table's keys follow: OFA's blocks are `expanded_conv-…`, nsganetv2's `MBConv-…`.
    public static func detect<Keys: Sequence<String>>(keys: Keys) -> LatencyTableFormat? {
        for key in keys {
            if key.hasPrefix("expanded_conv-") { return .ofa }
            if key.hasPrefix("MBConv-") { return .nsganetv2 }
        }
        return nil
    }

    /// File of the table for one resolution, inside an OFA-format directory.
    public static func ofaFileName(resolution: Int) -> String { "\(resolution)_lookup_table.yaml" }

    public func stemKey(width: NetworkWidth, resolution r: Int) -> String {
        switch self {
        case .ofa:
            let f = BlockShape.stemOutputSize(resolution: r)
            return "Conv-input:\(r)x\(r)x3-output:\(f)x\(f)x\(width.stemChannels)"
        case .nsganetv2:
            // nsganetv2 writes the stem's output as r // 2 (the blocks then use the rounded-up size).
            return "first_conv-input:\(r)x\(r)x3-output:\(r / 2)x\(r / 2)x\(width.stemChannels)"
        }
    }

    /// The fixed first block (expand 1, kernel 3, stride 1, identity shortcut, no SE, ReLU).
    public func firstBlockKey(width: NetworkWidth, resolution r: Int) -> String {
        let f = BlockShape.stemOutputSize(resolution: r), c = width.stemChannels
        switch self {
        case .ofa:
            return "expanded_conv-input:\(f)x\(f)x\(c)-output:\(f)x\(f)x\(c)-expand:\(c)-kernel:3-stride:1-idskip:1-se:0-hs:0"
        case .nsganetv2:
            return "MBConv-input:\(f)x\(f)x\(c)-output:\(f)x\(f)x\(c)-expand:1-kernel:3-stride:1-idskip:1-se:0"
        }
    }

    public func blockKey(_ s: BlockShape, kernel: Int, expand: Int) -> String {
        let io = "input:\(s.inputSize)x\(s.inputSize)x\(s.inputChannels)-output:\(s.outputSize)x\(s.outputSize)x\(s.outputChannels)"
        let tail = "kernel:\(kernel)-stride:\(s.stride)-idskip:\(s.hasShortcut ? 1 : 0)-se:\(s.usesSE ? 1 : 0)"
        switch self {
        case .ofa:
            let mid = NetworkWidth.midChannels(input: s.inputChannels, expand: expand)
            return "expanded_conv-\(io)-expand:\(mid)-\(tail)-hs:\(s.usesHSwish ? 1 : 0)"
        case .nsganetv2:
            return "MBConv-\(io)-expand:\(expand)-\(tail)"
        }
    }

    /// Keys of the fixed layers after the blocks (final expansion, pooling, feature mix, classifier).
    public func tailKeys(width: NetworkWidth, resolution r: Int) -> [String] {
        let f = BlockShape.finalSize(resolution: r)
        let last = width.unitChannels[Architecture.unitCount - 1]
        let fe = width.finalExpandChannels, fm = width.featureMixChannels, classes = NetworkWidth.classes
        switch self {
        case .ofa:
            return ["Conv_1-input:\(f)x\(f)x\(last)-output:\(f)x\(f)x\(fe)",
                    "AvgPool2D-input:\(f)x\(f)x\(fe)-output:1x1x\(fe)",
                    "Conv_2-input:1x1x\(fe)-output:1x1x\(fm)",
                    "Logits-input:1x1x\(fm)-output:\(classes)"]
        case .nsganetv2:
            return ["final_expand_layer-input:\(f)x\(f)x\(last)-output:\(f)x\(f)x\(fe)",
                    "feature_mix_layer-input:1x1x\(fe)-output:1x1x\(fm)",
                    "classifier-input:\(fm)-output:\(classes)"]
        }
    }
}
