/// The non-linearities of OFA's MobileNetV3: ReLU, h-swish (`x·relu6(x+3)/6`), h-sigmoid
/// (`relu6(x+3)/6`, inside squeeze-and-excitation) and identity (projections, classifier).
///
/// The kernels are generic over an ``ActivationFunction`` type so each loop is specialised with
/// its non-linearity inlined; this enum is the runtime choice that picks the type.
///
/// ```swift
/// Activation.hSwish.apply(1)   // 0.6666667
/// ```
public enum Activation: Sendable, Hashable {
    case identity, relu, hSwish, hSigmoid

    /// Scalar value, for references and tails.
    public func apply(_ x: Float) -> Float {
        switch self {
        case .identity: Identity.apply(x)
        case .relu: ReLU.apply(x)
        case .hSwish: HSwish.apply(x)
        case .hSigmoid: HSigmoid.apply(x)
        }
    }
}

/// A non-linearity applied lane-wise to SIMD vectors and to scalars.
///
/// Clamps use `replace(with:where:)`, which compiles to vector compares and masks; the standard
/// library's `pointwiseMin`/`pointwiseMax` are not inlined and run lane by lane (NaN handling).
public protocol ActivationFunction {
    static func apply(_ v: SIMD8<Float>) -> SIMD8<Float>
    static func apply(_ x: Float) -> Float
}

public enum Identity: ActivationFunction {
    @inline(__always) public static func apply(_ v: SIMD8<Float>) -> SIMD8<Float> { v }
    @inline(__always) public static func apply(_ x: Float) -> Float { x }
}

public enum ReLU: ActivationFunction {
    @inline(__always) public static func apply(_ v: SIMD8<Float>) -> SIMD8<Float> { v.replacing(with: 0, where: v .< 0) }
    @inline(__always) public static func apply(_ x: Float) -> Float { max(x, 0) }
}

public enum HSwish: ActivationFunction {
    @inline(__always) public static func apply(_ v: SIMD8<Float>) -> SIMD8<Float> { v * HSigmoid.apply(v) }
    @inline(__always) public static func apply(_ x: Float) -> Float { x * HSigmoid.apply(x) }
}

public enum HSigmoid: ActivationFunction {
    @inline(__always) public static func apply(_ v: SIMD8<Float>) -> SIMD8<Float> {
        var t = v + 3
        t.replace(with: 0, where: t .< 0)
        t.replace(with: 6, where: t .> 6)
        return t * (1 / 6 as Float)
    }
    @inline(__always) public static func apply(_ x: Float) -> Float { min(max(x + 3, 0), 6) * (1 / 6 as Float) }
}
