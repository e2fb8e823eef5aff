import OFACore

/// A whole OFA MobileNetV3 subnet, built with seeded random weights and ready to run at batch 1
/// in float32 on this CPU. All buffers are allocated at construction: a forward pass does not
/// allocate, so repeated runs time only the computation. The same seed gives bit-identical
/// outputs at a given OpenBLAS thread count (the engine is meant to run with one; see
/// ``MachineInfo/pinBLASThreads(_:)``).
///
/// ```swift
/// let net = EngineNetwork(architecture: arch, width: .w1_0, seed: 1)
/// net.forward()
/// let ms = net.timedForward()              // one end-to-end run (wall clock)
/// var perLayer = [Double](repeating: 0, count: net.layers.count)
/// net.timedForward(layerTimes: &perLayer)  // the same run, timed layer by layer
/// ```
public final class EngineNetwork {
    public let plan: NetworkPlan
    public let layers: [any EngineLayer]
    let image: FloatBuffer
    /// Two activation buffers used alternately, and one scratch area shared by all layers.
    let ping: FloatBuffer, pong: FloatBuffer, scratch: FloatBuffer

    public init(plan: NetworkPlan, seed: UInt64) {
        self.plan = plan
        var rng = SeededGenerator(seed: seed)
        layers = plan.layers.map { EngineLayers.make($0, rng: &rng) }
        image = EngineLayers.uniform(plan.resolution * plan.resolution * 3, scale: 1, rng: &rng)
        let activations = plan.layers.map(\.outputCount).max() ?? 1
        ping = FloatBuffer(count: activations)
        pong = FloatBuffer(count: activations)
        scratch = FloatBuffer(count: plan.layers.map(\.scratchCount).max() ?? 1)
    }

    public convenience init(architecture: Architecture, width: NetworkWidth, seed: UInt64 = 0) {
        self.init(plan: NetworkPlan(architecture: architecture, width: width), seed: seed)
    }

    /// Runs the network on its (random) input image; returns the logits (a view of an internal
    /// buffer, valid until the next pass).
    @discardableResult
    public func forward() -> UnsafeBufferPointer<Float> {
        var input = UnsafePointer(image.pointer)
        var output = ping.pointer
        for layer in layers {
            layer.forward(input, output, scratch: scratch.pointer)
            input = UnsafePointer(output)
            output = output == ping.pointer ? pong.pointer : ping.pointer
        }
        return UnsafeBufferPointer(start: input, count: NetworkWidth.classes)
    }

    /// The logits of one forward pass, copied out.
    public var logits: [Float] { Array(forward()) }

    /// One end-to-end forward pass; milliseconds on `clock`.
    public func timedForward(clock: Stopwatch = .wall) -> Double {
        let t0 = clock.now()
        forward()
        return clock.milliseconds(since: t0)
    }

    /// One forward pass with the clock read between layers; `layerTimes[i]` gets layer `i`'s
    /// milliseconds. Returns the total.
    @discardableResult
    public func timedForward(layerTimes: inout [Double], clock: Stopwatch = .wall) -> Double {
        var input = UnsafePointer(image.pointer)
        var output = ping.pointer
        let start = clock.now()
        var t = start
        for (i, layer) in layers.enumerated() {
            layer.forward(input, output, scratch: scratch.pointer)
            let t1 = clock.now()
            layerTimes[i] = Double(t1 &- t) * 1e-6
            t = t1
            input = UnsafePointer(output)
            output = output == ping.pointer ? pong.pointer : ping.pointer
        }
        return Double(t &- start) * 1e-6
    }

    /// Median over `runs` passes of the sum of per-layer timings (the clock read between layers,
    /// as the profiler does), after `warmup` untimed passes; milliseconds. Compared with
    /// ``measure(warmup:runs:clock:)`` at the same moment it isolates the cost of timing layer by layer.
    public func measureLayerSum(warmup: Int = 1, runs: Int = 5, clock: Stopwatch = .wall) -> Double {
        for _ in 0..<warmup { forward() }
        var times = [Double](repeating: 0, count: layers.count)
        return Metrics.median((0..<max(runs, 1)).map { _ in timedForward(layerTimes: &times, clock: clock) })
    }

    /// Median of `runs` end-to-end passes after `warmup` untimed ones; milliseconds.
    public func measure(warmup: Int = 1, runs: Int = 5, clock: Stopwatch = .wall) -> Double {
        for _ in 0..<warmup { forward() }
        return Metrics.median((0..<max(runs, 1)).map { _ in timedForward(clock: clock) })
    }
}
