/// Global average pooling to one value per channel (OFA's `MyGlobalAvgPool2d`, `AvgPool2D` in the
/// latency table).
///
/// ```swift
/// let pool = GlobalPoolLayer(size: 7, channels: 960)
/// ```
public final class GlobalPoolLayer: EngineLayer {
    public let spec: LayerSpec
    let pixels: Int, channels: Int

    public init(size: Int, channels: Int) {
        spec = .globalPool(size: size, channels: channels)
        pixels = size * size
        self.channels = channels
    }

    public func forward(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        EngineKernels.globalAveragePool(input: input, pixels: pixels, channels: channels, output: output)
    }
}
