import OFACore

/// An inverted-residual block as OFA's `MBConvLayer` runs it: 1×1 expansion (skipped for expand
/// ratio 1) → batch norm → act; depthwise k×k (stride, padding k/2) → batch norm → act;
/// squeeze-and-excitation (optional); 1×1 projection → batch norm; identity shortcut when stride 1
/// and the channel counts match. Batch norms are folded into the preceding weights and biases.
///
/// ```swift
/// let block = MBConvBlock(spec, rng: &rng)
/// block.forward(x, y, scratch: s)
/// ```
public final class MBConvBlock: EngineLayer {
    public let spec: LayerSpec
    public let block: MBConvSpec
    /// `inChannels × mid`; nil without expansion.
    let expandWeights: FloatBuffer?, expandBias: FloatBuffer?
    /// `[k·k][mid]`.
    let depthWeights: FloatBuffer, depthBias: FloatBuffer
    /// `mid × se` and `se × mid`, with biases; nil without squeeze-and-excitation.
    let seReduce: FloatBuffer?, seReduceBias: FloatBuffer?, seExpand: FloatBuffer?, seExpandBias: FloatBuffer?
    /// `mid × outChannels`.
    let projectWeights: FloatBuffer, projectBias: FloatBuffer

    public init(_ b: MBConvSpec, rng: inout SeededGenerator) {
        block = b
        spec = .block(b)
        if b.hasExpansion {
            expandWeights = EngineLayers.weights(b.inChannels * b.mid, fanIn: b.inChannels, rng: &rng)
            expandBias = EngineLayers.bias(b.mid, rng: &rng)
        } else {
            expandWeights = nil; expandBias = nil
        }
        depthWeights = EngineLayers.weights(b.kernel * b.kernel * b.mid, fanIn: b.kernel * b.kernel, rng: &rng)
        depthBias = EngineLayers.bias(b.mid, rng: &rng)
        if b.squeezeExcite {
            seReduce = EngineLayers.weights(b.mid * b.seChannels, fanIn: b.mid, rng: &rng)
            seReduceBias = EngineLayers.bias(b.seChannels, rng: &rng)
            seExpand = EngineLayers.weights(b.seChannels * b.mid, fanIn: b.seChannels, rng: &rng)
            seExpandBias = EngineLayers.bias(b.mid, rng: &rng)
        } else {
            seReduce = nil; seReduceBias = nil; seExpand = nil; seExpandBias = nil
        }
        // Projection scaled down (no activation follows), so residual sums stay of order one.
        projectWeights = EngineLayers.uniform(b.mid * b.outChannels, scale: (3 / Float(b.mid)).squareRoot(), rng: &rng)
        projectBias = EngineLayers.bias(b.outChannels, rng: &rng)
    }

    public func forward(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let b = block
        let inPixels = b.size * b.size, outPixels = b.outputSize * b.outputSize
        let expanded = scratch
        let depthOut = scratch + inPixels * b.mid
        let seScratch = depthOut + outPixels * b.mid
        let act = b.activation
        var dwInput = input
        if let w = expandWeights, let bias = expandBias {
            EngineKernels.pointwise(input: input, pixels: inPixels, inChannels: b.inChannels, weights: w.pointer,
                                    bias: bias.pointer, outChannels: b.mid, activation: act, output: expanded)
            dwInput = UnsafePointer(expanded)
        }
        EngineKernels.depthwise(input: dwInput, height: b.size, width: b.size, channels: b.mid, kernel: b.kernel,
                                stride: b.stride, weights: depthWeights.pointer, bias: depthBias.pointer,
                                activation: act, output: depthOut)
        if let r = seReduce, let rb = seReduceBias, let e = seExpand, let eb = seExpandBias {
            EngineKernels.squeezeExcite(depthOut, pixels: outPixels, channels: b.mid, reduced: b.seChannels,
                                        reduceWeights: r.pointer, reduceBias: rb.pointer, expandWeights: e.pointer,
                                        expandBias: eb.pointer, scratch: seScratch)
        }
        EngineKernels.pointwise(input: depthOut, pixels: outPixels, inChannels: b.mid, weights: projectWeights.pointer,
                                bias: projectBias.pointer, outChannels: b.outChannels, activation: .identity,
                                residual: b.hasResidual ? input : nil, output: output)
    }
}
