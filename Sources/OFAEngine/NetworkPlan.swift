import OFACore

/// The layer sequence of a subnet of OFA's MobileNetV3 at one width: stem, the fixed first block
/// (expand 1, kernel 3), the active blocks of the five units, final expansion, global pooling,
/// feature mix and classifier, exactly as OFA's `MobileNetV3` builds it.
///
/// The plan is cheap (no weights): the profiler and the table look-up use it to list the keys
/// a subnet needs, and ``EngineNetwork`` builds its layers from it.
///
/// ```swift
/// let plan = NetworkPlan(architecture: arch, width: .w1_0)
/// plan.layers.map(\.tableKey)
/// ```
public struct NetworkPlan: Hashable, Sendable {
    public let resolution: Int
    public let width: NetworkWidth
    public let layers: [LayerSpec]

    public init(architecture arch: Architecture, width: NetworkWidth) {
        var layers: [LayerSpec] = [.stem(resolution: arch.resolution, channels: width.stemChannels)]
        var size = EngineKernels.outputSize(arch.resolution, kernel: 3, stride: 2)
        let first = MBConvSpec(size: size, inChannels: width.stemChannels, outChannels: width.stemChannels,
                               mid: width.stemChannels, kernel: 3, stride: 1, squeezeExcite: false, hSwish: false)
        layers.append(.block(first))
        for unit in 0..<Architecture.unitCount {
            for j in 0..<arch.depth(unit: unit) {
                let b = unit * Architecture.maxDepth + j
                let input = width.inputChannels(unit: unit, blockInUnit: j)
                let spec = MBConvSpec(size: size, inChannels: input, outChannels: width.unitChannels[unit],
                                      mid: NetworkWidth.midChannels(input: input, expand: arch.expandRatio(block: b)),
                                      kernel: arch.kernelSize(block: b),
                                      stride: j == 0 ? NetworkWidth.unitStrides[unit] : 1,
                                      squeezeExcite: NetworkWidth.unitUsesSE[unit],
                                      hSwish: NetworkWidth.unitUsesHSwish[unit])
                layers.append(.block(spec))
                size = spec.outputSize
            }
        }
        let last = width.unitChannels[Architecture.unitCount - 1]
        layers.append(.finalExpand(size: size, inChannels: last, outChannels: width.finalExpandChannels))
        layers.append(.globalPool(size: size, channels: width.finalExpandChannels))
        layers.append(.featureMix(inChannels: width.finalExpandChannels, outChannels: width.featureMixChannels))
        layers.append(.classifier(inFeatures: width.featureMixChannels, classes: NetworkWidth.classes))
        self.resolution = arch.resolution
        self.width = width
        self.layers = layers
    }

    /// Latency-table keys of the layers, in execution order.
    public var tableKeys: [String] { layers.map(\.tableKey) }
    public var flops: Int { layers.reduce(0) { $0 + $1.flops } }
}
