import Testing
@testable import OFACore
@testable import OFAEngine
@testable import OFAExperiments

@Suite struct EngineTests {
    static func random(_ n: Int, seed: UInt64) -> [Float] {
        var rng = SeededGenerator(seed: seed)
        return (0..<n).map { _ in Float(rng.nextUnit() * 2 - 1) }
    }

    /// Every element within 1e-4 relative (of the larger of |reference| and 1).
    static func expectClose(_ got: [Float], _ want: [Float], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(got.count == want.count, "\(what): count", sourceLocation: sourceLocation)
        var worst: Float = 0
        for (g, w) in zip(got, want) { worst = max(worst, abs(g - w) / max(1, abs(w))) }
        #expect(worst <= 1e-4, "\(what): worst relative error \(worst)", sourceLocation: sourceLocation)
        #expect(want.contains { $0 != 0 }, "\(what): reference is all zero", sourceLocation: sourceLocation)
    }

    static func run(_ layer: any EngineLayer, _ x: [Float]) -> [Float] {
        let input = FloatBuffer(x)
        let output = FloatBuffer(count: layer.spec.outputCount)
        let scratch = FloatBuffer(count: layer.spec.scratchCount)
        withExtendedLifetime((input, scratch)) { layer.forward(input.pointer, output.pointer, scratch: scratch.pointer) }
        return output.array
    }

    @Test(arguments: [Activation.identity, .relu, .hSwish, .hSigmoid])
    func pointwiseMatchesReference(act: Activation) {
        // 13 output channels: exercises the SIMD path and the scalar tail.
        let (pixels, cin, cout) = (10, 12, 13)
        let x = Self.random(pixels * cin, seed: 1), w = Self.random(cin * cout, seed: 2), b = Self.random(cout, seed: 3)
        let out = FloatBuffer(count: pixels * cout)
        let (xb, wb, bb) = (FloatBuffer(x), FloatBuffer(w), FloatBuffer(b))
        withExtendedLifetime((xb, wb, bb)) {
            EngineKernels.pointwise(input: xb.pointer, pixels: pixels, inChannels: cin, weights: wb.pointer,
                                    bias: bb.pointer, outChannels: cout, activation: act, output: out.pointer)
        }
        let want = EngineReference.conv(x, h: pixels, w: 1, cin: cin, k: 1, stride: 1, weights: w, bias: b, cout: cout, act: act)
        Self.expectClose(out.array, want, "1x1 \(act)")
    }

    @Test(arguments: [(3, 1), (5, 1), (7, 1), (3, 2), (5, 2), (7, 2)])
    func depthwiseMatchesReference(kernel: Int, stride: Int) {
        // Channel counts hit the 64-channel blocks, the 8-wide vectors and the scalar tail; sizes 17
        // and 20 take the four-pixel fast path at both strides, odd sizes the clipped borders.
        for (h, c) in [(9, 27), (8, 16), (3, 8), (20, 40), (17, 76)] {
            let x = Self.random(h * h * c, seed: 4), w = Self.random(kernel * kernel * c, seed: 5), b = Self.random(c, seed: 6)
            let o = EngineKernels.outputSize(h, kernel: kernel, stride: stride)
            let out = FloatBuffer(count: o * o * c)
            let (xb, wb, bb) = (FloatBuffer(x), FloatBuffer(w), FloatBuffer(b))
            withExtendedLifetime((xb, wb, bb)) {
                EngineKernels.depthwise(input: xb.pointer, height: h, width: h, channels: c, kernel: kernel,
                                        stride: stride, weights: wb.pointer, bias: bb.pointer,
                                        activation: .hSwish, output: out.pointer)
            }
            let want = EngineReference.depthwise(x, h: h, w: h, c: c, k: kernel, stride: stride, weights: w, bias: b, act: .hSwish)
            Self.expectClose(out.array, want, "depthwise k\(kernel) s\(stride) \(h)x\(h)x\(c)")
        }
    }

    @Test func squeezeExciteMatchesReference() {
        let (pixels, c, se) = (25, 40, 16)
        let x = Self.random(pixels * c, seed: 7)
        let rw = Self.random(c * se, seed: 8), rb = Self.random(se, seed: 9)
        let ew = Self.random(se * c, seed: 10), eb = Self.random(c, seed: 11)
        let buf = FloatBuffer(x), scratch = FloatBuffer(count: 2 * c + se)
        defer { withExtendedLifetime(scratch) {} }
        let (rwb, rbb, ewb, ebb) = (FloatBuffer(rw), FloatBuffer(rb), FloatBuffer(ew), FloatBuffer(eb))
        withExtendedLifetime((rwb, rbb, ewb, ebb)) {
            EngineKernels.squeezeExcite(buf.pointer, pixels: pixels, channels: c, reduced: se, reduceWeights: rwb.pointer,
                                        reduceBias: rbb.pointer, expandWeights: ewb.pointer,
                                        expandBias: ebb.pointer, scratch: scratch.pointer)
        }
        Self.expectClose(buf.array, EngineReference.squeezeExcite(x, pixels: pixels, c: c, se: se, rw: rw, rb: rb, ew: ew, eb: eb), "SE")
    }

    @Test func stemMatchesReference() {
        var rng = SeededGenerator(seed: 12)
        for r in [16, 17] {
            let stem = StemLayer(resolution: r, channels: 16, rng: &rng)
            let x = Self.random(r * r * 3, seed: 13)
            let want = EngineReference.conv(x, h: r, w: r, cin: 3, k: 3, stride: 2, weights: stem.weights.array,
                                            bias: stem.bias.array, cout: 16, act: .hSwish)
            Self.expectClose(Self.run(stem, x), want, "stem r\(r)")
        }
    }

    @Test func blocksMatchReference() {
        var rng = SeededGenerator(seed: 14)
        let specs = [
            // OFA's first block: no expansion, residual, ReLU.
            MBConvSpec(size: 8, inChannels: 16, outChannels: 16, mid: 16, kernel: 3, stride: 1, squeezeExcite: false, hSwish: false),
            // unit first block: stride 2, no residual, SE, ReLU.
            MBConvSpec(size: 9, inChannels: 24, outChannels: 40, mid: 72, kernel: 5, stride: 2, squeezeExcite: true, hSwish: false),
            // residual, SE, h-swish, k7.
            MBConvSpec(size: 7, inChannels: 40, outChannels: 40, mid: 160, kernel: 7, stride: 1, squeezeExcite: true, hSwish: true),
            // stride 1 but a width change: no residual.
            MBConvSpec(size: 6, inChannels: 80, outChannels: 112, mid: 240, kernel: 3, stride: 1, squeezeExcite: true, hSwish: true),
        ]
        for spec in specs {
            let block = MBConvBlock(spec, rng: &rng)
            let x = Self.random(spec.size * spec.size * spec.inChannels, seed: 15)
            Self.expectClose(Self.run(block, x), EngineReference.block(block, x), spec.tableKey)
        }
    }

    @Test func headLayersMatchReference() {
        var rng = SeededGenerator(seed: 16)
        let pool = GlobalPoolLayer(size: 5, channels: 24)
        let x = Self.random(5 * 5 * 24, seed: 17)
        Self.expectClose(Self.run(pool, x), EngineReference.averagePool(x, pixels: 25, c: 24), "pool")

        let expand = EngineLayers.make(.finalExpand(size: 3, inChannels: 16, outChannels: 48), rng: &rng) as! PointwiseLayer
        let y = Self.random(9 * 16, seed: 18)
        Self.expectClose(Self.run(expand, y), EngineReference.conv(y, h: 3, w: 3, cin: 16, k: 1, stride: 1, weights: expand.weights.array,
                                                                   bias: expand.bias?.array, cout: 48, act: .hSwish), "Conv_1")
        let mix = EngineLayers.make(.featureMix(inChannels: 48, outChannels: 64), rng: &rng) as! PointwiseLayer
        #expect(mix.bias == nil)
        let z = Self.random(48, seed: 19)
        Self.expectClose(Self.run(mix, z), EngineReference.conv(z, h: 1, w: 1, cin: 48, k: 1, stride: 1, weights: mix.weights.array,
                                                                bias: nil, cout: 64, act: .hSwish), "Conv_2")
        let fc = EngineLayers.make(.classifier(inFeatures: 64, classes: 10), rng: &rng) as! PointwiseLayer
        let v = Self.random(64, seed: 20)
        Self.expectClose(Self.run(fc, v), EngineReference.conv(v, h: 1, w: 1, cin: 64, k: 1, stride: 1, weights: fc.weights.array,
                                                               bias: fc.bias?.array, cout: 10, act: .identity), "Logits")
    }

    @Test func networkPlanFollowsOFA() throws {
        let arch = try Architecture(ks: Array(repeating: 7, count: 20), e: Array(repeating: 6, count: 20), d: [2, 3, 4, 2, 3], r: 224)
        let plan = NetworkPlan(architecture: arch, width: .w1_0)
        #expect(plan.layers.count == 1 + 1 + 14 + 4)
        let keys = plan.tableKeys
        #expect(keys[0] == "Conv-input:224x224x3-output:112x112x16")
        #expect(keys[1] == "expanded_conv-input:112x112x16-output:112x112x16-expand:16-kernel:3-stride:1-idskip:1-se:0-hs:0")
        #expect(keys[2] == "expanded_conv-input:112x112x16-output:56x56x24-expand:96-kernel:7-stride:2-idskip:0-se:0-hs:0")
        #expect(keys[3] == "expanded_conv-input:56x56x24-output:56x56x24-expand:144-kernel:7-stride:1-idskip:1-se:0-hs:0")
        #expect(keys[4] == "expanded_conv-input:56x56x24-output:28x28x40-expand:144-kernel:7-stride:2-idskip:0-se:1-hs:0")
        // unit 4 (stride 1) starts with a width change, so no shortcut.
        #expect(keys[11] == "expanded_conv-input:14x14x80-output:14x14x112-expand:480-kernel:7-stride:1-idskip:0-se:1-hs:1")
        #expect(keys[16] == "Conv_1-input:7x7x160-output:7x7x960")
        #expect(keys[17] == "AvgPool2D-input:7x7x960-output:1x1x960")
        #expect(keys[18] == "Conv_2-input:1x1x960-output:1x1x1280")
        #expect(keys[19] == "Logits-input:1x1x1280-output:1000")
        // Odd sizes round up like OFA's (fsize - 1) / stride + 1.
        let odd = NetworkPlan(architecture: try Architecture(ks: arch.ks, e: arch.e, d: arch.d, r: 132), width: .w1_0)
        #expect(odd.tableKeys.last(where: { $0.hasPrefix("Conv_1") }) == "Conv_1-input:5x5x160-output:5x5x960")
    }

    @Test func networkOutputShapeAndDeterminism() throws {
        // OpenBLAS's summation order depends on its thread count: no test changes it (tests run in
        // parallel), so both passes below see the same one.
        var rng = SeededGenerator(seed: 21)
        let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.0", resolutions: [128])
        let arch = space.sample(using: &rng)
        let a = EngineNetwork(architecture: arch, width: .w1_0, seed: 5)
        let logits = a.logits
        #expect(logits.count == 1000)
        #expect(logits.allSatisfy { $0.isFinite })
        #expect(Set(logits).count > 900, "logits should differ across classes")
        let again = a.logits == logits
        #expect(again, "a second forward pass gives the same result")
        let b = EngineNetwork(architecture: arch, width: .w1_0, seed: 5)
        let sameSeed = b.logits == logits
        #expect(sameSeed, "same seed, same weights, same output")
        let c = EngineNetwork(architecture: arch, width: .w1_0, seed: 6)
        let otherSeed = c.logits != logits
        #expect(otherSeed, "another seed gives other weights")
        var times = [Double](repeating: 0, count: a.layers.count)
        let total = a.timedForward(layerTimes: &times)
        #expect(times.allSatisfy { $0 > 0 })
        #expect(abs(times.reduce(0, +) - total) < 1e-6)
    }
}
