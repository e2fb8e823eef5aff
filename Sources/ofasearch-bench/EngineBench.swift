import COpenBLAS
import Foundation
import OFASearch

/// Engine speed: GFLOP/s achieved per layer type against the OpenBLAS SGEMM peak measured in the
/// same run (one thread, thread-CPU clock), plus whole subnets.
enum EngineBench {
    /// Median thread-CPU milliseconds of `body` over repeated calls filling about `seconds` (the
    /// thread-CPU clock leaves out time other jobs get on a shared machine; see `Stopwatch`).
    static func time(seconds: Double = 0.3, _ body: () -> Void) -> Double {
        body()
        var samples: [Double] = []
        let start = Stopwatch.now()
        repeat {
            let t0 = Stopwatch.threadCPU.now()
            body()
            samples.append(Stopwatch.threadCPU.milliseconds(since: t0))
        } while Double(Stopwatch.now() &- start) * 1e-9 < seconds || samples.count < 5
        return Metrics.median(samples)
    }

    static func row(_ name: String, flops: Int, ms: Double, peak: Double) {
        let gflops = Double(flops) / ms * 1e-6
        let padded = name.count < 44 ? name + String(repeating: " ", count: 44 - name.count) : name
        print(padded + String(format: " %9.4f ms %8.2f GFLOP/s %6.1f%% of peak", ms, gflops, 100 * gflops / peak))
    }

    static func run() throws {
        MachineInfo.pinBLASThreads(1)
        let machine = MachineInfo.current()
        print("cpu: \(machine.cpuModel), \(machine.cores) cores; \(machine.openBLASConfig); 1 thread; load \(machine.loadAverage.map { String(format: "%.2f", $0) }.joined(separator: " "))")
        let peak = sgemmPeak()
        var rng = SeededGenerator(seed: 1)
        print("-- 1x1 convolution (GEMM + fused bias/activation)")
        layer(.finalExpand(size: 28, inChannels: 40, outChannels: 240), "1x1 28x28 40->240 (expand)", peak: peak, rng: &rng)
        layer(.finalExpand(size: 14, inChannels: 672, outChannels: 112), "1x1 14x14 672->112 (project)", peak: peak, rng: &rng)
        layer(.finalExpand(size: 7, inChannels: 160, outChannels: 960), "1x1 7x7 160->960 (Conv_1)", peak: peak, rng: &rng)
        layer(.finalExpand(size: 56, inChannels: 24, outChannels: 144), "1x1 56x56 24->144 (expand)", peak: peak, rng: &rng)
        depthwise(peak: peak, rng: &rng)
        squeezeExcite(peak: peak, rng: &rng)
        print("-- stem, head")
        layer(.stem(resolution: 224, channels: 16), "stem 3x3 s2 224x224x3->16", peak: peak, rng: &rng)
        layer(.stem(resolution: 128, channels: 16), "stem 3x3 s2 128x128x3->16", peak: peak, rng: &rng)
        layer(.globalPool(size: 7, channels: 960), "AvgPool2D 7x7x960", peak: peak, rng: &rng)
        layer(.featureMix(inChannels: 960, outChannels: 1280), "Conv_2 960->1280 (GEMV)", peak: peak, rng: &rng)
        layer(.classifier(inFeatures: 1280, classes: 1000), "Logits 1280->1000 (GEMV)", peak: peak, rng: &rng)
        let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.0")
        subnets(space, peak: peak)
        try measuredLatencyCost(space)
        clocks(space)
        layerByLayer(space, peak: peak)
    }

    /// Peak: the best square SGEMM among a few sizes (large ones are limited by memory here).
    static func sgemmPeak() -> Double {
        var peak = 0.0, peakSize = 0
        for n in [256, 384, 512, 1024] {
            let a = FloatBuffer(count: n * n), b = FloatBuffer(count: n * n), c = FloatBuffer(count: n * n)
            for i in 0..<(n * n) { a.pointer[i] = Float(i % 7) * 0.1; b.pointer[i] = Float(i % 5) * 0.1 }
            let ms = withExtendedLifetime((a, b, c)) {
                time(seconds: 0.5) {
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, a.pointer, Int32(n),
                                b.pointer, Int32(n), 0, c.pointer, Int32(n))
                }
            }
            let gflops = 2 * Double(n * n * n) / ms * 1e-6
            print(String(format: "OpenBLAS SGEMM %4d^3: %7.2f GFLOP/s", n, gflops))
            if gflops > peak { peak = gflops; peakSize = n }
        }
        print(String(format: "peak (SGEMM %d^3): %.2f GFLOP/s", peakSize, peak))
        return peak
    }

    /// One layer's time and GFLOP/s (weights and input drawn from `rng`).
    static func layer(_ spec: LayerSpec, _ name: String, flops: Int? = nil, peak: Double, rng: inout SeededGenerator) {
        let l = EngineLayers.make(spec, rng: &rng)
        let input = EngineLayers.uniform(spec.inputCount, scale: 1, rng: &rng)
        let output = FloatBuffer(count: spec.outputCount), scratch = FloatBuffer(count: spec.scratchCount)
        let ms = withExtendedLifetime((input, output, scratch)) {
            time { l.forward(input.pointer, output.pointer, scratch: scratch.pointer) }
        }
        row(name, flops: flops ?? spec.flops, ms: ms, peak: peak)
    }

    static func depthwise(peak: Double, rng: inout SeededGenerator) {
        print("-- depthwise (SIMD, NHWC)")
        for (size, c, s) in [(28, 240, 1), (56, 144, 1), (56, 144, 2), (14, 672, 1)] {
            for k in [3, 5, 7] {
                let depthW = EngineLayers.uniform(k * k * c, scale: 0.3, rng: &rng), bias = EngineLayers.uniform(c, scale: 0.1, rng: &rng)
                let x = EngineLayers.uniform(size * size * c, scale: 1, rng: &rng)
                let o = EngineKernels.outputSize(size, kernel: k, stride: s)
                let y = FloatBuffer(count: o * o * c)
                let ms = withExtendedLifetime((depthW, bias, x, y)) {
                    time {
                        EngineKernels.depthwise(input: x.pointer, height: size, width: size, channels: c, kernel: k, stride: s,
                                                weights: depthW.pointer, bias: bias.pointer, activation: .hSwish, output: y.pointer)
                    }
                }
                row("depthwise k\(k) s\(s) \(size)x\(size)x\(c)", flops: 2 * o * o * c * k * k, ms: ms, peak: peak)
            }
        }
    }

    static func squeezeExcite(peak: Double, rng: inout SeededGenerator) {
        print("-- squeeze-and-excitation (pool, 2 FC, scale)")
        for (size, c) in [(28, 120), (14, 672), (7, 960)] {
            let se = NetworkWidth.seChannels(mid: c)
            let x = EngineLayers.uniform(size * size * c, scale: 1, rng: &rng)
            let rw = EngineLayers.uniform(c * se, scale: 0.1, rng: &rng), rb = EngineLayers.uniform(se, scale: 0.1, rng: &rng)
            let ew = EngineLayers.uniform(se * c, scale: 0.1, rng: &rng), eb = EngineLayers.uniform(c, scale: 0.1, rng: &rng)
            let scratch = FloatBuffer(count: 2 * c + se)
            let ms = withExtendedLifetime((x, rw, rb, ew, eb, scratch)) {
                time {
                    EngineKernels.squeezeExcite(x.pointer, pixels: size * size, channels: c, reduced: se, reduceWeights: rw.pointer,
                                                reduceBias: rb.pointer, expandWeights: ew.pointer, expandBias: eb.pointer,
                                                scratch: scratch.pointer)
                }
            }
            row("SE \(size)x\(size)x\(c) (se \(se))", flops: 2 * size * size * c + 4 * c * se, ms: ms, peak: peak)
        }
    }

    static func subnets(_ space: any SearchSpace, peak: Double) {
        print("-- whole subnets (ofa-mbv3-w1.0)")
        for (name, arch) in [("largest r224", space.largest(resolution: 224)), ("smallest r224", space.smallest(resolution: 224)),
                             ("largest r128", space.largest(resolution: 128)), ("smallest r128", space.smallest(resolution: 128))] {
            let net = EngineNetwork(architecture: arch, width: .w1_0, seed: 1)
            let ms = time(seconds: 1) { net.forward() }
            row("network \(name)", flops: net.plan.flops, ms: ms, peak: peak)
        }
    }

    /// Cost of one evaluation by the measured-latency predictor (build + 1 warm-up + 5 runs).
    static func measuredLatencyCost(_ space: any SearchSpace) throws {
        let measured = MeasuredLatencyPredictor(width: .w1_0)
        var sampler = SeededGenerator(seed: 5)
        let candidates = (0..<40).map { _ in space.sample(using: &sampler) }
        let wallStart = Stopwatch.now()
        _ = try measured.predictEfficiency(candidates)
        print(String(format: "MeasuredLatencyPredictor: %d random subnets, %.1f ms each (wall), %.1f ms each measuring (thread)",
                     measured.measuredCount, Stopwatch.milliseconds(since: wallStart) / 40, measured.measuringSeconds * 1000 / 40))
    }

    /// The two clocks on the same passes: the fastest of 30 is (nearly) free of preemption, so on
    /// a shared machine the minima should agree while the medians may not.
    static func clocks(_ space: any SearchSpace) {
        let check = EngineNetwork(architecture: space.smallest(resolution: 176), width: .w1_0, seed: 2)
        check.forward()
        var wall: [Double] = [], cpu: [Double] = []
        for _ in 0..<30 {
            let w0 = Stopwatch.wall.now(), c0 = Stopwatch.threadCPU.now()
            check.forward()
            cpu.append(Stopwatch.threadCPU.milliseconds(since: c0)); wall.append(Stopwatch.wall.milliseconds(since: w0))
        }
        print(String(format: "clocks, smallest r176 x30: wall min %.4f / median %.4f ms; thread-cpu min %.4f / median %.4f ms",
                     wall.min()!, Metrics.median(wall), cpu.min()!, Metrics.median(cpu)))
    }

    static func layerByLayer(_ space: any SearchSpace, peak: Double) {
        print("-- largest r224, layer by layer inside the network (median of 20 runs)")
        let net = EngineNetwork(architecture: space.largest(resolution: 224), width: .w1_0, seed: 1)
        var times = [Double](repeating: 0, count: net.layers.count)
        var perLayer = [[Double]](repeating: [], count: net.layers.count)
        net.forward()
        for _ in 0..<20 {
            net.timedForward(layerTimes: &times, clock: .threadCPU)
            for i in times.indices { perLayer[i].append(times[i]) }
        }
        for (spec, t) in zip(net.plan.layers, perLayer) {
            row(String(spec.tableKey.prefix(44)), flops: spec.flops, ms: Metrics.median(t), peak: peak)
        }
    }
}
