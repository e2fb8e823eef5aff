/// Channel widths and the fixed structure of the OFA MobileNetV3 network at one width multiplier.
///
/// ```swift
/// let w = NetworkWidth.w1_2
/// w.unitChannels   // [32, 48, 96, 136, 192]
/// ```
public struct NetworkWidth: Hashable, Sendable {
    /// Name used in space names and provenance: `w1.0` or `w1.2`.
    public let name: String
    /// Output channels of the stem convolution and of the first (fixed) MBConv block.
    public let stemChannels: Int
    /// Output channels of each of the five elastic units.
    public let unitChannels: [Int]
    /// Output channels of the final 1x1 expansion.
    public let finalExpandChannels: Int
    /// Output channels of the feature-mix layer in front of the classifier.
    public let featureMixChannels: Int

    public static let w1_0 = NetworkWidth(name: "w1.0", stemChannels: 16, unitChannels: [24, 40, 80, 112, 160],
                                          finalExpandChannels: 960, featureMixChannels: 1280)
    public static let w1_2 = NetworkWidth(name: "w1.2", stemChannels: 24, unitChannels: [32, 48, 96, 136, 192],
                                          finalExpandChannels: 1152, featureMixChannels: 1536)

    /// Stride of the first block of each unit.
    public static let unitStrides = [2, 2, 2, 1, 2]
    /// Whether the blocks of each unit use squeeze-and-excitation.
    public static let unitUsesSE = [false, true, false, true, true]
    /// Whether the blocks of each unit use h-swish (otherwise ReLU).
    public static let unitUsesHSwish = [false, false, true, true, true]
    public static let classes = 1000

    /// Input channels of a block: the previous unit's width for a unit's first block.
    public func inputChannels(unit: Int, blockInUnit j: Int) -> Int {
        j == 0 ? (unit == 0 ? stemChannels : unitChannels[unit - 1]) : unitChannels[unit]
    }

    /// OFA's `make_divisible(v, 8)`: round to the nearest multiple of 8, never more than 10% down.
    public static func makeDivisible(_ v: Double, divisor: Int = 8) -> Int {
        let d = Double(divisor)
        var n = max(divisor, Int(v + d / 2) / divisor * divisor)
        if Double(n) < 0.9 * v { n += divisor }
        return n
    }

    /// Middle (expanded) channels of an MBConv block, as OFA's dynamic layers compute them.
    public static func midChannels(input: Int, expand: Int) -> Int {
        makeDivisible(Double(input * expand))
    }

    /// Channels of the squeeze-and-excitation bottleneck for a given number of middle channels.
    public static func seChannels(mid: Int) -> Int { makeDivisible(Double(mid / 4)) }
}
