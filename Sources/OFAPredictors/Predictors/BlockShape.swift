import OFACore

/// The fixed shape of one of the 20 elastic block positions of the OFA MobileNetV3 network at a
/// given width and input resolution: what look-up keys and MAC counts are derived from.
///
/// Feature maps follow OFA's convolutions (padding k/2): the stem halves the input rounding up,
/// and so does each stride-2 block. A block's shape does not depend on the depths of earlier
/// units, because only a unit's first block (always active) changes the size or the channels.
///
/// ```swift
/// let shapes = BlockShape.all(width: .w1_2, resolution: 224)
/// shapes[4].inputSize   // 56 (first block of unit 1: 56 -> 28)
/// ```
public struct BlockShape: Hashable, Sendable {
    public let unit: Int
    /// Position inside the unit, 0 for the unit's first block.
    public let blockInUnit: Int
    public let stride: Int
    public let inputSize: Int
    public let outputSize: Int
    public let inputChannels: Int
    public let outputChannels: Int
    /// Whether the block has an identity shortcut (every block but a unit's first).
    public let hasShortcut: Bool
    public let usesSE: Bool
    public let usesHSwish: Bool

    /// Side of the stem's output feature map (and of the fixed first block).
    public static func stemOutputSize(resolution: Int) -> Int { (resolution + 1) / 2 }

    /// Side of the feature map entering the final expansion layer.
    public static func finalSize(resolution: Int) -> Int {
        var f = stemOutputSize(resolution: resolution)
        for s in NetworkWidth.unitStrides where s == 2 { f = (f + 1) / 2 }
        return f
    }

    /// The 20 block positions, unit by unit.
    public static func all(width: NetworkWidth, resolution: Int) -> [BlockShape] {
        var out: [BlockShape] = []
        out.reserveCapacity(Architecture.blockCount)
        var f = stemOutputSize(resolution: resolution)
        for unit in 0..<Architecture.unitCount {
            for j in 0..<Architecture.maxDepth {
                let stride = j == 0 ? NetworkWidth.unitStrides[unit] : 1
                let fout = (f - 1) / stride + 1
                out.append(BlockShape(unit: unit, blockInUnit: j, stride: stride, inputSize: f, outputSize: fout,
                                      inputChannels: width.inputChannels(unit: unit, blockInUnit: j),
                                      outputChannels: width.unitChannels[unit], hasShortcut: j > 0,
                                      usesSE: NetworkWidth.unitUsesSE[unit], usesHSwish: NetworkWidth.unitUsesHSwish[unit]))
                f = fout
            }
        }
        return out
    }
}
