import COpenBLAS

/// The compute kernels of the inference engine, on NHWC (channels-last) float32 tensors of one
/// image.
///
/// Channels-last is chosen deliberately: a 1×1 convolution is then one row-major GEMM
/// (`pixels × Cin` times `Cin × Cout`), and the depthwise convolution, squeeze-and-excitation and
/// the epilogues run along contiguous channel vectors, so every inner loop is a stride-1 SIMD loop
/// over channels (all OFA channel counts are multiples of 8) and neighbouring pixels share cache
/// lines.
///
/// ```swift
/// EngineKernels.pointwise(input: x, pixels: 49, inChannels: 160, weights: w, bias: b,
///                         outChannels: 960, activation: .hSwish, output: y)
/// ```
public enum EngineKernels {
    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always) static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    // MARK: 1×1 convolution

    /// 1×1 convolution (or fully connected layer when `pixels == 1`): `output = act(input·W + bias
    /// [+ residual])` with `W` laid out `inChannels × outChannels`. GEMM (or GEMV) by OpenBLAS, then
    /// one fused epilogue pass.
    public static func pointwise(input: UnsafePointer<Float>, pixels: Int, inChannels: Int,
                                 weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                 outChannels: Int, activation: Activation,
                                 residual: UnsafePointer<Float>? = nil,
                                 output: UnsafeMutablePointer<Float>) {
        if pixels == 1 {
            cblas_sgemv(CblasRowMajor, CblasTrans, Int32(inChannels), Int32(outChannels), 1, weights,
                        Int32(outChannels), input, 1, 0, output, 1)
        } else {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(pixels), Int32(outChannels),
                        Int32(inChannels), 1, input, Int32(inChannels), weights, Int32(outChannels), 0,
                        output, Int32(outChannels))
        }
        epilogue(output, pixels: pixels, channels: outChannels, bias: bias, activation: activation, residual: residual)
    }

    /// In place: `x = act(x + bias [+ residual])` per pixel, vectorised over channels.
    public static func epilogue(_ x: UnsafeMutablePointer<Float>, pixels: Int, channels: Int,
                                bias: UnsafePointer<Float>?, activation: Activation,
                                residual: UnsafePointer<Float>? = nil) {
        switch activation {
        case .identity: epilogue(Identity.self, x, pixels, channels, bias, residual)
        case .relu: epilogue(ReLU.self, x, pixels, channels, bias, residual)
        case .hSwish: epilogue(HSwish.self, x, pixels, channels, bias, residual)
        case .hSigmoid: epilogue(HSigmoid.self, x, pixels, channels, bias, residual)
        }
    }

    @inline(__always)
    static func epilogue<A: ActivationFunction>(_: A.Type, _ x: UnsafeMutablePointer<Float>, _ pixels: Int,
                                                _ channels: Int, _ bias: UnsafePointer<Float>?,
                                                _ residual: UnsafePointer<Float>?) {
        let c8 = channels & ~7
        for p in 0..<pixels {
            let row = x + p * channels
            let res = residual.map { $0 + p * channels }
            var c = 0
            while c < c8 {
                var v = load(row + c)
                if let bias { v += load(bias + c) }
                if let res { v += load(res + c) }
                store(A.apply(v), row + c)
                c += 8
            }
            while c < channels {
                var v = row[c]
                if let bias { v += bias[c] }
                if let res { v += res[c] }
                row[c] = A.apply(v)
                c += 1
            }
        }
    }

    // MARK: depthwise convolution

    /// Output side of a `kernel`×`kernel` convolution with padding `kernel/2` and `stride`.
    @inline(__always) public static func outputSize(_ size: Int, kernel: Int, stride: Int) -> Int {
        (size + 2 * (kernel / 2) - kernel) / stride + 1
    }

    /// Depthwise k×k convolution, padding k/2, with bias (folded batch norm) and activation.
    /// Weights are laid out `[k·k][C]` so each tap is a contiguous channel vector. Padding is not
    /// materialised: each output pixel clips its tap window to the image, so there are no
    /// branches in the inner loop.
    public static func depthwise(input: UnsafePointer<Float>, height: Int, width: Int, channels: Int,
                                 kernel: Int, stride: Int, weights: UnsafePointer<Float>,
                                 bias: UnsafePointer<Float>, activation: Activation,
                                 output: UnsafeMutablePointer<Float>) {
        switch activation {
        case .identity: depthwise(Identity.self, input, height, width, channels, kernel, stride, weights, bias, output)
        case .relu: depthwise(ReLU.self, input, height, width, channels, kernel, stride, weights, bias, output)
        case .hSwish: depthwise(HSwish.self, input, height, width, channels, kernel, stride, weights, bias, output)
        case .hSigmoid: depthwise(HSigmoid.self, input, height, width, channels, kernel, stride, weights, bias, output)
        }
    }

    /// Loop order: blocks of 64 channels outermost, then output rows, then 8-channel vectors,
    /// then output pixels, four at a time where the whole tap window is inside the image: each
    /// weight vector is loaded once for four pixels, and at stride 1 the four pixels slide over
    /// one shared row of input vectors (k + 3 loads for 4k multiply-adds). A block's weights and
    /// input rows stay in L1/L2 whatever the image and channel sizes; with pixels outermost the
    /// k·k·C weights plus the input window outgrew L1 for large C and k (3x slower at k7,
    /// 56x56x160).
    @inline(__always)
    static func depthwise<A: ActivationFunction>(_: A.Type, _ input: UnsafePointer<Float>, _ h: Int, _ w: Int,
                                                 _ channels: Int, _ k: Int, _ s: Int,
                                                 _ weights: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
                                                 _ output: UnsafeMutablePointer<Float>) {
        let pad = k / 2
        let oh = outputSize(h, kernel: k, stride: s), ow = outputSize(w, kernel: k, stride: s)
        let c8 = channels & ~7
        // Output columns whose four-pixel group has every tap inside the image.
        let firstFull = (pad + s - 1) / s
        var blockStart = 0
        while blockStart < c8 {
            let blockEnd = min(blockStart + 64, c8)
            for oy in 0..<oh {
                let iy0 = oy * s - pad
                let ky0 = max(0, -iy0), ky1 = min(k, h - iy0)
                var c = blockStart
                while c < blockEnd {
                    let b = load(bias + c)
                    let outRow = output + oy * ow * channels + c
                    var ox = 0
                    while ox < ow {
                        let ix0 = ox * s - pad
                        if ox >= firstFull && ox + 3 < ow && ix0 + 3 * s + k <= w {
                            var a0 = b, a1 = b, a2 = b, a3 = b
                            var ky = ky0
                            while ky < ky1 {
                                let rowIn = input + ((iy0 + ky) * w + ix0) * channels + c
                                let rowW = weights + ky * k * channels + c
                                if s == 1 {
                                    var x0 = load(rowIn), x1 = load(rowIn + channels), x2 = load(rowIn + 2 * channels)
                                    var kx = 0
                                    while kx < k {
                                        let x3 = load(rowIn + (kx + 3) * channels)
                                        let wv = load(rowW + kx * channels)
                                        a0 += x0 * wv; a1 += x1 * wv; a2 += x2 * wv; a3 += x3 * wv
                                        x0 = x1; x1 = x2; x2 = x3
                                        kx += 1
                                    }
                                } else {
                                    let step = s * channels
                                    var kx = 0
                                    while kx < k {
                                        let wv = load(rowW + kx * channels)
                                        let i = rowIn + kx * channels
                                        a0 += load(i) * wv; a1 += load(i + step) * wv
                                        a2 += load(i + 2 * step) * wv; a3 += load(i + 3 * step) * wv
                                        kx += 1
                                    }
                                }
                                ky += 1
                            }
                            let o = outRow + ox * channels
                            store(A.apply(a0), o); store(A.apply(a1), o + channels)
                            store(A.apply(a2), o + 2 * channels); store(A.apply(a3), o + 3 * channels)
                            ox += 4
                        } else {
                            let kx0 = max(0, -ix0), kx1 = min(k, w - ix0)
                            let base = input + (iy0 * w + ix0) * channels + c
                            var a0 = b
                            var ky = ky0
                            while ky < ky1 {
                                var kx = kx0
                                while kx < kx1 {
                                    a0 += load(base + (ky * w + kx) * channels) * load(weights + (ky * k + kx) * channels + c)
                                    kx += 1
                                }
                                ky += 1
                            }
                            store(A.apply(a0), outRow + ox * channels)
                            ox += 1
                        }
                    }
                    c += 8
                }
            }
            blockStart = blockEnd
        }
        var c = c8
        while c < channels {
            for oy in 0..<oh {
                let iy0 = oy * s - pad
                let ky0 = max(0, -iy0), ky1 = min(k, h - iy0)
                for ox in 0..<ow {
                    let ix0 = ox * s - pad
                    let kx0 = max(0, -ix0), kx1 = min(k, w - ix0)
                    let base = input + (iy0 * w + ix0) * channels + c
                    var a = bias[c]
                    var ky = ky0
                    while ky < ky1 {
                        var kx = kx0
                        while kx < kx1 {
                            a += base[(ky * w + kx) * channels] * weights[(ky * k + kx) * channels + c]
                            kx += 1
                        }
                        ky += 1
                    }
                    output[(oy * ow + ox) * channels + c] = A.apply(a)
                }
            }
            c += 1
        }
    }

    // MARK: pooling and squeeze-and-excitation

    /// Global average pooling: `output[c] = mean over pixels of input[p][c]`.
    public static func globalAveragePool(input: UnsafePointer<Float>, pixels: Int, channels: Int,
                                         output: UnsafeMutablePointer<Float>) {
        output.update(repeating: 0, count: channels)
        let c8 = channels & ~7
        for p in 0..<pixels {
            let row = input + p * channels
            var c = 0
            while c < c8 { store(load(output + c) + load(row + c), output + c); c += 8 }
            while c < channels { output[c] += row[c]; c += 1 }
        }
        let scale = 1 / Float(pixels)
        for c in 0..<channels { output[c] *= scale }
    }

    /// OFA's squeeze-and-excitation, in place on `x` (`pixels × channels`): average pool, 1×1
    /// reduce with bias, ReLU, 1×1 expand with bias, h-sigmoid, channel-wise scale. `scratch`
    /// holds at least `2·channels + reduced` floats.
    public static func squeezeExcite(_ x: UnsafeMutablePointer<Float>, pixels: Int, channels: Int, reduced: Int,
                                     reduceWeights: UnsafePointer<Float>, reduceBias: UnsafePointer<Float>,
                                     expandWeights: UnsafePointer<Float>, expandBias: UnsafePointer<Float>,
                                     scratch: UnsafeMutablePointer<Float>) {
        let pooled = scratch, hidden = scratch + channels, scale = scratch + channels + reduced
        globalAveragePool(input: x, pixels: pixels, channels: channels, output: pooled)
        pointwise(input: pooled, pixels: 1, inChannels: channels, weights: reduceWeights, bias: reduceBias,
                  outChannels: reduced, activation: .relu, output: hidden)
        pointwise(input: hidden, pixels: 1, inChannels: reduced, weights: expandWeights, bias: expandBias,
                  outChannels: channels, activation: .hSigmoid, output: scale)
        let c8 = channels & ~7
        for p in 0..<pixels {
            let row = x + p * channels
            var c = 0
            while c < c8 { store(load(row + c) * load(scale + c), row + c); c += 8 }
            while c < channels { row[c] *= scale[c]; c += 1 }
        }
    }

    // MARK: stem

    /// The stem: a dense 3×3 stride-2 convolution (padding 1) from `inChannels` to `outChannels`,
    /// by im2col (`scratch` holds `outPixels·9·inChannels` floats) and one GEMM, then bias and
    /// activation. Weights are laid out `[(ky·3 + kx)·inChannels + ci][outChannels]`.
    public static func stem(input: UnsafePointer<Float>, height: Int, width: Int, inChannels: Int,
                            weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, outChannels: Int,
                            activation: Activation, scratch: UnsafeMutablePointer<Float>,
                            output: UnsafeMutablePointer<Float>) {
        let k = 3, s = 2, pad = 1
        let oh = outputSize(height, kernel: k, stride: s), ow = outputSize(width, kernel: k, stride: s)
        let patch = k * k * inChannels
        for oy in 0..<oh {
            for ox in 0..<ow {
                var dst = scratch + (oy * ow + ox) * patch
                for ky in 0..<k {
                    let iy = oy * s - pad + ky
                    for kx in 0..<k {
                        let ix = ox * s - pad + kx
                        if iy >= 0, iy < height, ix >= 0, ix < width {
                            dst.update(from: input + (iy * width + ix) * inChannels, count: inChannels)
                        } else {
                            dst.update(repeating: 0, count: inChannels)
                        }
                        dst += inChannels
                    }
                }
            }
        }
        pointwise(input: scratch, pixels: oh * ow, inChannels: patch, weights: weights, bias: bias,
                  outChannels: outChannels, activation: activation, output: output)
    }
}
