import OFACore

/// OFA's first convolution: 3×3, stride 2, padding 1, from RGB to the stem width, batch norm
/// folded into weights and bias, h-swish.
///
/// ```swift
/// let stem = StemLayer(resolution: 224, channels: 16, rng: &rng)
/// ```
public final class StemLayer: EngineLayer {
    public let spec: LayerSpec
    let resolution: Int, channels: Int
    /// `[(ky·3 + kx)·3 + ci][channels]`.
    let weights: FloatBuffer, bias: FloatBuffer

    public init(resolution: Int, channels: Int, rng: inout SeededGenerator) {
        spec = .stem(resolution: resolution, channels: channels)
        self.resolution = resolution; self.channels = channels
        weights = EngineLayers.weights(27 * channels, fanIn: 27, rng: &rng)
        bias = EngineLayers.bias(channels, rng: &rng)
    }

    public func forward(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        EngineKernels.stem(input: input, height: resolution, width: resolution, inChannels: 3, weights: weights.pointer,
                           bias: bias.pointer, outChannels: channels, activation: .hSwish, scratch: scratch, output: output)
    }
}
