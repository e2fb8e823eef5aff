/// One layer of an OFA MobileNetV3 subnet as the latency table partitions it, with its key in
/// OFA's convention (`Conv-…`, `expanded_conv-…`, `Conv_1-…`, `AvgPool2D-…`, `Conv_2-…`,
/// `Logits-…`).
///
/// ```swift
/// LayerSpec.stem(resolution: 224, channels: 16).tableKey   // "Conv-input:224x224x3-output:112x112x16"
/// ```
public enum LayerSpec: Hashable, Sendable {
    /// 3×3 stride-2 convolution from the RGB image, batch norm folded, h-swish.
    case stem(resolution: Int, channels: Int)
    case block(MBConvSpec)
    /// 1×1 convolution to the final width, batch norm folded, h-swish.
    case finalExpand(size: Int, inChannels: Int, outChannels: Int)
    case globalPool(size: Int, channels: Int)
    /// 1×1 convolution without bias or batch norm, h-swish.
    case featureMix(inChannels: Int, outChannels: Int)
    /// Linear layer with bias.
    case classifier(inFeatures: Int, classes: Int)

    public var tableKey: String {
        switch self {
        case let .stem(r, c):
            let o = EngineKernels.outputSize(r, kernel: 3, stride: 2)
            return "Conv-input:\(r)x\(r)x3-output:\(o)x\(o)x\(c)"
        case let .block(b): return b.tableKey
        case let .finalExpand(s, i, o): return "Conv_1-input:\(s)x\(s)x\(i)-output:\(s)x\(s)x\(o)"
        case let .globalPool(s, c): return "AvgPool2D-input:\(s)x\(s)x\(c)-output:1x1x\(c)"
        case let .featureMix(i, o): return "Conv_2-input:1x1x\(i)-output:1x1x\(o)"
        case let .classifier(i, o): return "Logits-input:1x1x\(i)-output:\(o)"
        }
    }

    /// Floats in the layer's input and output tensors.
    public var inputCount: Int {
        switch self {
        case let .stem(r, _): r * r * 3
        case let .block(b): b.size * b.size * b.inChannels
        case let .finalExpand(s, i, _): s * s * i
        case let .globalPool(s, c): s * s * c
        case let .featureMix(i, _): i
        case let .classifier(i, _): i
        }
    }

    public var outputCount: Int {
        switch self {
        case let .stem(r, c): EngineKernels.outputSize(r, kernel: 3, stride: 2) * EngineKernels.outputSize(r, kernel: 3, stride: 2) * c
        case let .block(b): b.outputSize * b.outputSize * b.outChannels
        case let .finalExpand(s, _, o): s * s * o
        case let .globalPool(_, c): c
        case let .featureMix(_, o): o
        case let .classifier(_, o): o
        }
    }

    /// Scratch floats the layer needs beyond its input and output.
    public var scratchCount: Int {
        switch self {
        case let .stem(r, _):
            let o = EngineKernels.outputSize(r, kernel: 3, stride: 2)
            return o * o * 27
        case let .block(b):
            // expanded tensor + depthwise output + squeeze-and-excitation vectors
            return b.size * b.size * b.mid + b.outputSize * b.outputSize * b.mid + 2 * b.mid + b.seChannels
        default: return 0
        }
    }

    /// Floating-point operations (2 per multiply-add; pooling counts one per add).
    public var flops: Int {
        switch self {
        case let .stem(r, c):
            let o = EngineKernels.outputSize(r, kernel: 3, stride: 2)
            return 2 * o * o * 27 * c
        case let .block(b): return b.flops
        case let .finalExpand(s, i, o): return 2 * s * s * i * o
        case let .globalPool(s, c): return s * s * c
        case let .featureMix(i, o): return 2 * i * o
        case let .classifier(i, o): return 2 * i * o
        }
    }
}
