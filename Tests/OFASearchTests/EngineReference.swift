@testable import OFACore
@testable import OFAEngine
@testable import OFAExperiments

/// Plain nested-loop implementations of the engine's layers, written independently of
/// EngineKernels (no SIMD, no BLAS, explicit zero padding), to check its outputs.
enum EngineReference {
    static func act(_ x: Float, _ a: Activation) -> Float {
        func relu6(_ v: Float) -> Float { min(max(v, 0), 6) }
        switch a {
        case .identity: return x
        case .relu: return max(x, 0)
        case .hSwish: return x * relu6(x + 3) / 6
        case .hSigmoid: return relu6(x + 3) / 6
        }
    }

    /// Dense k×k convolution, padding k/2, NHWC; weights `[(ky·k+kx)·cin + ci][cout]`.
    static func conv(_ x: [Float], h: Int, w: Int, cin: Int, k: Int, stride: Int,
                     weights: [Float], bias: [Float]?, cout: Int, act a: Activation) -> [Float] {
        let pad = k / 2
        let oh = (h + 2 * pad - k) / stride + 1, ow = (w + 2 * pad - k) / stride + 1
        var out = [Float](repeating: 0, count: oh * ow * cout)
        for oy in 0..<oh { for ox in 0..<ow { for co in 0..<cout {
            var s: Float = bias?[co] ?? 0
            for ky in 0..<k { for kx in 0..<k { for ci in 0..<cin {
                let iy = oy * stride + ky - pad, ix = ox * stride + kx - pad
                let v: Float = (iy < 0 || iy >= h || ix < 0 || ix >= w) ? 0 : x[(iy * w + ix) * cin + ci]
                s += v * weights[((ky * k + kx) * cin + ci) * cout + co]
            } } }
            out[(oy * ow + ox) * cout + co] = act(s, a)
        } } }
        return out
    }

    /// Depthwise k×k convolution, padding k/2, NHWC; weights `[ky·k+kx][c]`.
    static func depthwise(_ x: [Float], h: Int, w: Int, c: Int, k: Int, stride: Int,
                          weights: [Float], bias: [Float], act a: Activation) -> [Float] {
        let pad = k / 2
        let oh = (h + 2 * pad - k) / stride + 1, ow = (w + 2 * pad - k) / stride + 1
        var out = [Float](repeating: 0, count: oh * ow * c)
        for oy in 0..<oh { for ox in 0..<ow { for ch in 0..<c {
            var s = bias[ch]
            for ky in 0..<k { for kx in 0..<k {
                let iy = oy * stride + ky - pad, ix = ox * stride + kx - pad
                if iy >= 0, iy < h, ix >= 0, ix < w { s += x[(iy * w + ix) * c + ch] * weights[(ky * k + kx) * c + ch] }
            } }
            out[(oy * ow + ox) * c + ch] = act(s, a)
        } } }
        return out
    }

    static func averagePool(_ x: [Float], pixels: Int, c: Int) -> [Float] {
        (0..<c).map { ch in (0..<pixels).reduce(Float(0)) { $0 + x[$1 * c + ch] } / Float(pixels) }
    }

    static func squeezeExcite(_ x: [Float], pixels: Int, c: Int, se: Int, rw: [Float], rb: [Float],
                              ew: [Float], eb: [Float]) -> [Float] {
        let pooled = averagePool(x, pixels: pixels, c: c)
        let hidden = conv(pooled, h: 1, w: 1, cin: c, k: 1, stride: 1, weights: rw, bias: rb, cout: se, act: .relu)
        let scale = conv(hidden, h: 1, w: 1, cin: se, k: 1, stride: 1, weights: ew, bias: eb, cout: c, act: .hSigmoid)
        return (0..<x.count).map { x[$0] * scale[$0 % c] }
    }

    /// A whole MBConv block from the layer's own weights.
    static func block(_ layer: MBConvBlock, _ x: [Float]) -> [Float] {
        let b = layer.block
        var t = x
        if let w = layer.expandWeights, let bias = layer.expandBias {
            t = conv(t, h: b.size, w: b.size, cin: b.inChannels, k: 1, stride: 1, weights: w.array, bias: bias.array,
                     cout: b.mid, act: b.activation)
        }
        t = depthwise(t, h: b.size, w: b.size, c: b.mid, k: b.kernel, stride: b.stride, weights: layer.depthWeights.array,
                      bias: layer.depthBias.array, act: b.activation)
        let o = b.outputSize
        if let rw = layer.seReduce, let rb = layer.seReduceBias, let ew = layer.seExpand, let eb = layer.seExpandBias {
            t = squeezeExcite(t, pixels: o * o, c: b.mid, se: b.seChannels, rw: rw.array, rb: rb.array, ew: ew.array, eb: eb.array)
        }
        t = conv(t, h: o, w: o, cin: b.mid, k: 1, stride: 1, weights: layer.projectWeights.array,
                 bias: layer.projectBias.array, cout: b.outChannels, act: .identity)
        if b.hasResidual { for i in 0..<t.count { t[i] += x[i] } }
        return t
    }
}
