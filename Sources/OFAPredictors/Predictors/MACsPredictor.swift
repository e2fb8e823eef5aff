import OFACore

/// Multiply-accumulate operations (and parameters) of a subnet, counted analytically the way
/// OFA-based tools report them (DyNAS-T: fvcore's `FlopCountAnalysis` on the subnet with its
/// batch norms removed).
///
/// What counts: every convolution, `C_out × C_in / groups × k² × H_out × W_out` (the stem, the
/// fixed first block, each active block's 1×1 expansion at the input size, depthwise k×k at the
/// output size and 1×1 projection, the SE module's two 1×1 convolutions on the pooled 1×1 map, the
/// final 1×1 expansion, the feature-mix 1×1), and the classifier's `in × out`. What does not:
/// batch norm, activations, biases, pooling (global or SE's mean), residual additions.
/// Parameters are every weight and bias plus two per batch-norm channel (PyTorch's trainable
/// parameters; running statistics are buffers).
///
/// Agreement: equal to DyNAS-T's `macs` and `params` on all 1,879 DyNAS-T rows of
/// `accuracy/ofa-mbv3-w1.0.jsonl` (w1.0, r224).
///
/// ```swift
/// let macs = MACsPredictor(width: .w1_0)
/// macs.macs(of: arch)         // 297261792 for the first DyNAS-T row
/// macs.parameters(of: arch)   // 4761632
/// ```
public struct MACsPredictor: EfficiencyPredictor {
    public let width: NetworkWidth
    public var name: String { "MACs (OFA/fvcore counting, \(width.name))" }
    public var metric: EfficiencyMetric { .macs }

    /// Middle and SE channels per block position and expand ratio (1...15), `[block * 16 + e]`.
    private let middle: [Int]
    private let squeeze: [Int]

    public init(width: NetworkWidth) {
        self.width = width
        var middle = [Int](repeating: 0, count: Architecture.blockCount * 16)
        var squeeze = middle
        for unit in 0..<Architecture.unitCount {
            for j in 0..<Architecture.maxDepth {
                let b = unit * Architecture.maxDepth + j
                for e in 1..<16 {
                    let mid = NetworkWidth.midChannels(input: width.inputChannels(unit: unit, blockInUnit: j), expand: e)
                    middle[b * 16 + e] = mid
                    squeeze[b * 16 + e] = NetworkWidth.seChannels(mid: mid)
                }
            }
        }
        self.middle = middle
        self.squeeze = squeeze
    }

    public func predictEfficiency(_ archs: [Architecture]) throws -> [Double] {
        archs.map { Double(macs(of: $0)) }
    }

    public func predictEfficiency(_ arch: Architecture) throws -> Double {
        Double(macs(of: arch))
    }

    /// Multiply-accumulates of one forward pass at the architecture's resolution.
    public func macs(of arch: Architecture) -> Int {
        var f = BlockShape.stemOutputSize(resolution: arch.resolution)
        let stem = width.stemChannels
        var total = 27 * stem * f * f                     // stem 3x3, 3 -> stem
        total += 9 * stem * f * f + stem * stem * f * f   // first block: depthwise 3x3, 1x1 projection
        for unit in 0..<Architecture.unitCount {
            let cout = width.unitChannels[unit]
            let se = NetworkWidth.unitUsesSE[unit]
            for j in 0..<arch.depth(unit: unit) {
                let b = unit * Architecture.maxDepth + j
                let cin = j == 0 ? (unit == 0 ? stem : width.unitChannels[unit - 1]) : cout
                let fout = j == 0 && NetworkWidth.unitStrides[unit] == 2 ? (f + 1) / 2 : f
                let e = Int(arch.expandRatios[b]), k = Int(arch.kernelSizes[b])
                let mid = middle[b * 16 + e]
                total += cin * mid * f * f + mid * k * k * fout * fout + mid * cout * fout * fout
                if se { total += 2 * mid * squeeze[b * 16 + e] }
                f = fout
            }
        }
        let last = width.unitChannels[Architecture.unitCount - 1]
        total += last * width.finalExpandChannels * f * f
        total += width.finalExpandChannels * width.featureMixChannels
        total += width.featureMixChannels * NetworkWidth.classes
        return total
    }

    /// Trainable parameters (weights, biases, batch-norm scales and shifts); independent of the
    /// resolution.
    public func parameters(of arch: Architecture) -> Int {
        let stem = width.stemChannels
        var total = 27 * stem + 2 * stem                          // stem conv + BN
        total += 9 * stem + 2 * stem + stem * stem + 2 * stem     // first block
        for unit in 0..<Architecture.unitCount {
            let cout = width.unitChannels[unit]
            for j in 0..<arch.depth(unit: unit) {
                let b = unit * Architecture.maxDepth + j
                let cin = j == 0 ? (unit == 0 ? stem : width.unitChannels[unit - 1]) : cout
                let e = Int(arch.expandRatios[b]), k = Int(arch.kernelSizes[b])
                let mid = middle[b * 16 + e]
                total += cin * mid + 2 * mid + mid * k * k + 2 * mid + mid * cout + 2 * cout
                if NetworkWidth.unitUsesSE[unit] {
                    let s = squeeze[b * 16 + e]
                    total += mid * s + s + s * mid + mid          // SE reduce and expand convs, with biases
                }
            }
        }
        let last = width.unitChannels[Architecture.unitCount - 1]
        total += last * width.finalExpandChannels + 2 * width.finalExpandChannels
        total += width.finalExpandChannels * width.featureMixChannels          // no bias, no BN
        total += width.featureMixChannels * NetworkWidth.classes + NetworkWidth.classes
        return total
    }
}
