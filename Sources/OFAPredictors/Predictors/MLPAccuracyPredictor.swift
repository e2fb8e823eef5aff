import CJSONC
import COpenBLAS
import Foundation
import OFACore

/// OFA's tutorial accuracy predictor: an MLP (128 → 400 → 400 → 400 → 1, ReLU) over
/// ``OFATutorialEncoding``, whose output is top-1 as a fraction (the reference adds no base
/// accuracy and no scaling).
///
/// Reads the JSON export in `../shared/ofa-data/predictors/` (`layers` listed input to output,
/// `weight[o][i]`, `bias[o]`). The forward pass runs in Float32 like the reference: the first layer
/// sums the weight columns of the encoding's ones instead of a dense product, the others are
/// OpenBLAS `sgemm` over chunks of rows. Scratch buffers belong to each call, so one predictor can
/// serve several threads at once.
///
/// ```swift
/// let mlp = try MLPAccuracyPredictor(contentsOf: "../shared/ofa-data/predictors/ofa-tutorial-mlp-w1.2.json")
/// let top1 = try mlp.predictAccuracy([arch])[0]   // 0.817 for the tutorial's subnet at r192
/// ```
public final class MLPAccuracyPredictor: AccuracyPredictor {
    public let name: String
    /// The file it was loaded from.
    public let source: String
    /// sha256 of the original PyTorch checkpoint, as recorded in the export (provenance).
    public let sourceSHA256: String?
    /// Layer sizes, input first: [128, 400, 400, 400, 1].
    public let layerSizes: [Int]

    /// First layer, transposed: row `i` holds the weights from input `i` to every hidden unit.
    private let firstWeightsByInput: [Float]
    private let firstBias: [Float]
    /// Later layers as stored (`weight[o][i]`, row-major), with biases.
    private let weights: [[Float]]
    private let biases: [[Float]]

    /// Rows per forward chunk: keeps the activations in cache and the GEMMs large.
    private static let chunkRows = 256
    /// Up to this many rows, layers run as matrix-vector products.
    private static let matrixVectorRows = 2

    public init(contentsOf path: String) throws(PredictorError) {
        let text: String
        do { text = try InputFile.readText(path) } catch { throw .unreadable(path: error.path, reason: error.reason) }
        // NumericJSON, not json-c: the weights are most of the file, and json-c's object per
        // number was most of `predict`'s start-up.
        let doc: NumericJSON
        do { doc = try NumericJSON(parsing: text) } catch { throw .malformed(path: path, reason: error.description) }
        func bad(_ why: String) -> PredictorError { .malformed(path: path, reason: why) }
        guard case .object = doc else { throw bad("expected a JSON object") }
        if let kind = doc["kind"]?.string, kind != "mlp" { throw bad("'kind' is '\(kind)', expected 'mlp'") }
        if let act = doc["activation"]?.string, act != "relu" { throw bad("'activation' is '\(act)', expected 'relu'") }
        if let enc = doc["encoding"]?.string, enc != "ofa-tutorial-128" {
            throw bad("'encoding' is '\(enc)', expected 'ofa-tutorial-128'")
        }
        guard let layers = doc["layers"]?.elements, layers.count >= 2 else {
            throw bad("'layers' must be a list of at least two {weight, bias} objects")
        }
        var sizes = [OFATutorialEncoding.width]
        var ws: [[Float]] = [], bs: [[Float]] = []
        for (l, layer) in layers.enumerated() {
            guard case .object = layer else { throw bad("layers[\(l)] must be a {weight, bias} object") }
            guard let w = layer["weight"]?.elements, !w.isEmpty else { throw bad("layers[\(l)].weight must be a non-empty matrix") }
            guard let b = layer["bias"]?.elements else { throw bad("layers[\(l)].bias must be a list") }
            let outputs = w.count, inputs = sizes.last!
            guard b.count == outputs else { throw bad("layers[\(l)].bias has \(b.count) entries, weight has \(outputs) rows") }
            var flat = [Float](repeating: 0, count: outputs * inputs)
            for (o, row) in w.enumerated() {
                let shape = bad("layers[\(l)].weight[\(o)] must be a list of \(inputs) numbers")
                if let numbers = row.numbers {
                    guard numbers.count == inputs else { throw shape }
                    for (i, x) in numbers.enumerated() {
                        guard let v = Self.finiteFloat(x) else { throw bad("layers[\(l)].weight[\(o)][\(i)] is not a finite 32-bit number") }
                        flat[o * inputs + i] = v
                    }
                } else {
                    guard let values = row.elements, values.count == inputs else { throw shape }
                    for (i, x) in values.enumerated() {
                        guard case let .number(n) = x, let v = Self.finiteFloat(n) else {
                            throw bad("layers[\(l)].weight[\(o)][\(i)] is not a finite 32-bit number")
                        }
                        flat[o * inputs + i] = v
                    }
                }
            }
            var bias = [Float](repeating: 0, count: outputs)
            for (o, x) in b.enumerated() {
                guard case let .number(n) = x, let v = Self.finiteFloat(n) else {
                    throw bad("layers[\(l)].bias[\(o)] is not a finite 32-bit number")
                }
                bias[o] = v
            }
            ws.append(flat); bs.append(bias); sizes.append(outputs)
        }
        guard sizes.last == 1 else { throw bad("the last layer has \(sizes.last!) outputs, expected 1 (top-1)") }

        let hidden = sizes[1]
        var transposed = [Float](repeating: 0, count: OFATutorialEncoding.width * hidden)
        for o in 0..<hidden { for i in 0..<OFATutorialEncoding.width { transposed[i * hidden + o] = ws[0][o * OFATutorialEncoding.width + i] } }
        firstWeightsByInput = transposed
        firstBias = bs[0]
        weights = Array(ws.dropFirst())
        biases = Array(bs.dropFirst())
        layerSizes = sizes
        source = path
        sourceSHA256 = doc["source_sha256"]?.string
        let checkpoint = sourceSHA256.map { ", checkpoint sha256 \($0.prefix(12))" } ?? ""
        name = "OFA tutorial MLP (\(sizes.map(String.init).joined(separator: "-")), \(URL(fileURLWithPath: path).lastPathComponent)\(checkpoint))"
    }

    /// The number as a Float when it stays finite in Float32 (the forward pass's precision):
    /// 1e39 would become infinity and every prediction NaN.
    private static func finiteFloat(_ x: Double) -> Float? {
        let v = Float(x)
        return v.isFinite ? v : nil
    }

    /// Predicted top-1 (fraction) per architecture.
    public func predictAccuracy(_ archs: [Architecture]) throws -> [Double] {
        try predict(archs)
    }

    /// Predicted top-1 (fraction) per architecture; typed-throws variant of ``predictAccuracy(_:)``.
    public func predict(_ archs: [Architecture]) throws(PredictorError) -> [Double] {
        var out = [Double](repeating: 0, count: archs.count)
        if archs.isEmpty { return out }
        let rows = min(Self.chunkRows, archs.count)
        let widest = layerSizes.dropFirst().max()!
        var bufferA = [Float](repeating: 0, count: rows * widest)
        var bufferB = [Float](repeating: 0, count: rows * widest)
        var ones = [Int32](repeating: 0, count: rows * OFATutorialEncoding.maxActive)
        try bufferA.withUnsafeMutableBufferPointer { (a) throws(PredictorError) in
            try bufferB.withUnsafeMutableBufferPointer { (b) throws(PredictorError) in
                try ones.withUnsafeMutableBufferPointer { (onesBuffer) throws(PredictorError) in
                    try out.withUnsafeMutableBufferPointer { (result) throws(PredictorError) in
                        var start = 0
                        while start < archs.count {
                            let m = min(rows, archs.count - start)
                            try forward(archs, from: start, rows: m, a.baseAddress!, b.baseAddress!, onesBuffer.baseAddress!,
                                        into: result.baseAddress! + start)
                            start += m
                        }
                    }
                }
            }
        }
        return out
    }

    private func forward(_ archs: [Architecture], from start: Int, rows m: Int,
                         _ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>,
                         _ ones: UnsafeMutablePointer<Int32>, into result: UnsafeMutablePointer<Double>) throws(PredictorError) {
        let hidden = layerSizes[1]
        let stride = OFATutorialEncoding.maxActive
        // Encode the chunk first (this is where an architecture outside the encoding throws).
        for row in 0..<m {
            let n = try OFATutorialEncoding.activeIndices(of: archs[start + row], into: ones + row * stride)
            if n < stride { ones[row * stride + n] = -1 }
        }
        // Layer 1: bias plus the weight rows of the encoding's ones, then ReLU.
        firstWeightsByInput.withUnsafeBufferPointer { w in
            firstBias.withUnsafeBufferPointer { bias in
                for row in 0..<m {
                    let h = a + row * hidden
                    h.update(from: bias.baseAddress!, count: hidden)
                    for t in 0..<stride {
                        let index = ones[row * stride + t]
                        if index < 0 { break }
                        let wr = w.baseAddress! + Int(index) * hidden
                        for o in 0..<hidden { h[o] += wr[o] }
                    }
                    // Branch-free (vectorizes); a data-dependent branch per unit cost ~3 µs a row.
                    for o in 0..<hidden { h[o] = Swift.max(h[o], 0) }
                }
            }
        }

        var input = a, output = b
        var inputs = hidden
        for l in weights.indices {
            let outputs = layerSizes[l + 2]
            let last = l == weights.count - 1
            weights[l].withUnsafeBufferPointer { w in
                biases[l].withUnsafeBufferPointer { bias in
                    for row in 0..<m { (output + row * outputs).update(from: bias.baseAddress!, count: outputs) }
                    if outputs == 1 {
                        cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(m), Int32(inputs), 1, input, Int32(inputs),
                                    w.baseAddress!, 1, 1, output, 1)
                    } else if m <= Self.matrixVectorRows {
                        // A handful of rows: matrix-vector products beat OpenBLAS's GEMM set-up.
                        for row in 0..<m {
                            cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(outputs), Int32(inputs), 1, w.baseAddress!, Int32(inputs),
                                        input + row * inputs, 1, 1, output + row * outputs, 1)
                        }
                    } else {
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(outputs), Int32(inputs),
                                    1, input, Int32(inputs), w.baseAddress!, Int32(inputs), 1, output, Int32(outputs))
                    }
                }
            }
            if !last { for i in 0..<(m * outputs) { output[i] = Swift.max(output[i], 0) } }
            swap(&input, &output)
            inputs = outputs
        }
        for row in 0..<m { result[row] = Double(input[row]) }
    }
}
