import OFACore

/// A 1×1 convolution over `pixels` positions, or a fully connected layer when `pixels == 1`:
/// OFA's final expansion (`Conv_1`, batch norm folded, h-swish), feature mix (`Conv_2`, no bias,
/// h-swish) and classifier (`Logits`, bias, no activation).
///
/// ```swift
/// let mix = PointwiseLayer(spec: .featureMix(inChannels: 960, outChannels: 1280), pixels: 1,
///                          inChannels: 960, outChannels: 1280, hasBias: false, activation: .hSwish, rng: &rng)
/// ```
public final class PointwiseLayer: EngineLayer {
    public let spec: LayerSpec
    let pixels: Int, inChannels: Int, outChannels: Int
    let activation: Activation
    /// `inChannels × outChannels`.
    let weights: FloatBuffer, bias: FloatBuffer?

    public init(spec: LayerSpec, pixels: Int, inChannels: Int, outChannels: Int, hasBias: Bool,
                activation: Activation, rng: inout SeededGenerator) {
        self.spec = spec
        self.pixels = pixels; self.inChannels = inChannels; self.outChannels = outChannels
        self.activation = activation
        weights = EngineLayers.weights(inChannels * outChannels, fanIn: inChannels, rng: &rng)
        bias = hasBias ? EngineLayers.bias(outChannels, rng: &rng) : nil
    }

    public func forward(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        EngineKernels.pointwise(input: input, pixels: pixels, inChannels: inChannels, weights: weights.pointer,
                                bias: bias.map { UnsafePointer($0.pointer) }, outChannels: outChannels,
                                activation: activation, output: output)
    }
}
