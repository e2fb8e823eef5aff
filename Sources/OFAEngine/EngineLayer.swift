import OFACore

/// One executable layer of the engine: reads an NHWC input, writes an NHWC output, and may use a
/// shared scratch area of at least `spec.scratchCount` floats. Weights are owned by the layer.
///
/// ```swift
/// let layer = EngineLayers.make(.stem(resolution: 224, channels: 16), rng: &rng)
/// layer.forward(image, output, scratch: scratch)
/// ```
public protocol EngineLayer: AnyObject {
    var spec: LayerSpec { get }
    func forward(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>)
}

/// Builds layers from their specs with seeded random weights (latency does not depend on weight
/// values; the scale keeps activations of order one, clear of overflow and denormals).
public enum EngineLayers {
    public static func make(_ spec: LayerSpec, rng: inout SeededGenerator) -> any EngineLayer {
        switch spec {
        case let .stem(r, c): return StemLayer(resolution: r, channels: c, rng: &rng)
        case let .block(b): return MBConvBlock(b, rng: &rng)
        case let .finalExpand(s, i, o):
            return PointwiseLayer(spec: spec, pixels: s * s, inChannels: i, outChannels: o, hasBias: true,
                                  activation: .hSwish, rng: &rng)
        case let .globalPool(s, c): return GlobalPoolLayer(size: s, channels: c)
        case let .featureMix(i, o):
            return PointwiseLayer(spec: spec, pixels: 1, inChannels: i, outChannels: o, hasBias: false,
                                  activation: .hSwish, rng: &rng)
        case let .classifier(i, o):
            return PointwiseLayer(spec: spec, pixels: 1, inChannels: i, outChannels: o, hasBias: true,
                                  activation: .identity, rng: &rng)
        }
    }

    /// Weights uniform in ±√(6/fanIn) (He scaling).
    static func weights(_ count: Int, fanIn: Int, rng: inout SeededGenerator) -> FloatBuffer {
        uniform(count, scale: (6 / Float(fanIn)).squareRoot(), rng: &rng)
    }

    /// Biases (folded batch-norm shifts) uniform in ±0.1.
    static func bias(_ count: Int, rng: inout SeededGenerator) -> FloatBuffer {
        uniform(count, scale: 0.1, rng: &rng)
    }

    /// Values uniform in ±`scale`.
    public static func uniform(_ count: Int, scale: Float, rng: inout SeededGenerator) -> FloatBuffer {
        let b = FloatBuffer(count: count)
        for i in 0..<count {
            // 24 random bits are all a float holds.
            b.pointer[i] = (Float(rng.next() >> 40) * 0x1p-23 - 1) * scale
        }
        return b
    }
}
