import OFACore

/// The shape of one MBConv block as the latency table sees it: input size and channels, middle
/// (expanded) channels, kernel, stride, and whether it has a residual, squeeze-and-excitation and
/// h-swish.
///
/// ```swift
/// let b = MBConvSpec(size: 14, inChannels: 112, outChannels: 112, mid: 672, kernel: 5, stride: 1,
///                    squeezeExcite: true, hSwish: true)
/// b.tableKey  // "expanded_conv-input:14x14x112-output:14x14x112-expand:672-kernel:5-stride:1-idskip:1-se:1-hs:1"
/// ```
public struct MBConvSpec: Hashable, Sendable {
    /// Input height (= width).
    public let size: Int
    public let inChannels: Int
    public let outChannels: Int
    /// Middle channels; equal to `inChannels` when the block has no expansion (OFA's first block).
    public let mid: Int
    public let kernel: Int
    public let stride: Int
    public let squeezeExcite: Bool
    public let hSwish: Bool

    public init(size: Int, inChannels: Int, outChannels: Int, mid: Int, kernel: Int, stride: Int,
                squeezeExcite: Bool, hSwish: Bool) {
        self.size = size; self.inChannels = inChannels; self.outChannels = outChannels; self.mid = mid
        self.kernel = kernel; self.stride = stride; self.squeezeExcite = squeezeExcite; self.hSwish = hSwish
    }

    /// OFA skips the 1×1 expansion when the expand ratio is 1 (the fixed first block).
    public var hasExpansion: Bool { mid != inChannels }
    /// Identity shortcut: stride 1 and as many output channels as input channels.
    public var hasResidual: Bool { stride == 1 && inChannels == outChannels }
    public var outputSize: Int { EngineKernels.outputSize(size, kernel: kernel, stride: stride) }
    /// Channels of the squeeze-and-excitation bottleneck (OFA: `make_divisible(mid / 4, 8)`).
    public var seChannels: Int { NetworkWidth.seChannels(mid: mid) }
    public var activation: Activation { hSwish ? .hSwish : .relu }

    /// The key in OFA's latency-table convention.
    public var tableKey: String {
        "expanded_conv-input:\(size)x\(size)x\(inChannels)-output:\(outputSize)x\(outputSize)x\(outChannels)"
            + "-expand:\(mid)-kernel:\(kernel)-stride:\(stride)-idskip:\(hasResidual ? 1 : 0)"
            + "-se:\(squeezeExcite ? 1 : 0)-hs:\(hSwish ? 1 : 0)"
    }

    /// Floating-point operations (2 per multiply-add) of the block's convolutions.
    public var flops: Int {
        let inPixels = size * size, outPixels = outputSize * outputSize
        var macs = outPixels * mid * kernel * kernel + outPixels * mid * outChannels
        if hasExpansion { macs += inPixels * inChannels * mid }
        if squeezeExcite { macs += 2 * mid * seChannels }
        return 2 * macs
    }
}
