import CXGBoost
import Foundation
import OFACore

/// An XGBoost model: train it round by round, save and load it (UBJ or JSON), and predict in
/// batches through `XGBoosterPredictFromDense`.
///
/// Training, loading and saving are serialized by a library-wide lock (XGBoost does not make
/// them thread-safe); prediction on a loaded booster may run on several threads at once.
///
/// ```swift
/// let train = try DMatrix(values: x, rows: n, columns: 3, labels: y)
/// let booster = try Booster.train(on: train, parameters: [("max_depth", "3"), ("nthread", "1")], rounds: 50)
/// try booster.save(to: "model.ubj")
/// let again = try Booster(contentsOf: "model.ubj", threads: 1)
/// let yhat = try again.predict(values: x, rows: n, columns: 3)
/// ```
public final class Booster: @unchecked Sendable {
    let handle: BoosterHandle
    /// Matrices the booster was created with; XGBoost keeps pointers to them while training.
    private var cachedMatrices: [DMatrix] = []

    /// Model file formats XGBoost saves without loss.
    public enum Format: String, Sendable {
        case ubj, json
        /// The format named by a file's extension (`.json` is JSON, anything else UBJ).
        public init(path: String) { self = path.hasSuffix(".json") ? .json : .ubj }
    }

    private init(matrices: [DMatrix]) throws(XGBoostError) {
        var out: BoosterHandle?
        var handles: [DMatrixHandle?] = matrices.map { $0.handle }
        let status = handles.withUnsafeMutableBufferPointer {
            XGBoosterCreate($0.baseAddress, bst_ulong(matrices.count), &out)
        }
        try XGBoostLibrary.check(status, "XGBoosterCreate")
        guard let out else { throw .library(call: "XGBoosterCreate", message: "no handle returned") }
        handle = out
        cachedMatrices = matrices
    }

    /// Loads a model saved by ``save(to:)`` (UBJ or JSON; XGBoost detects which) and sets the
    /// number of threads prediction uses.
    public convenience init(contentsOf path: String, threads: Int = 1) throws(XGBoostError) {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .model(path: path, reason: "cannot read the model file: \(error.localizedDescription)")
        }
        do { try self.init(modelData: data, threads: threads) } catch .library(_, let message) {
            throw .model(path: path, reason: "not a model XGBoost can load (\(message))")
        }
    }

    /// Loads a model from the bytes of a saved model.
    public convenience init(modelData: Data, threads: Int = 1) throws(XGBoostError) {
        XGBoostLibrary.lock.lock()
        defer { XGBoostLibrary.lock.unlock() }
        try self.init(matrices: [])
        let status = modelData.withUnsafeBytes { XGBoosterLoadModelFromBuffer(handle, $0.baseAddress, bst_ulong($0.count)) }
        try XGBoostLibrary.check(status, "XGBoosterLoadModelFromBuffer")
        try setParameter("nthread", String(threads))
    }

    deinit { XGBoosterFree(handle) }

    /// Trains a new booster on `train` for `rounds` boosting rounds. `parameters` are XGBoost
    /// learner parameters, applied in order (set `nthread` and `seed` for reproducible results).
    public static func train(on train: DMatrix, parameters: [(String, String)], rounds: Int) throws(XGBoostError) -> Booster {
        guard rounds > 0 else { throw .invalidArgument("training needs at least one round, got \(rounds)") }
        XGBoostLibrary.lock.lock()
        defer { XGBoostLibrary.lock.unlock() }
        let booster = try Booster(matrices: [train])
        for (key, value) in parameters { try booster.setParameter(key, value) }
        for i in 0..<rounds {
            try XGBoostLibrary.check(XGBoosterUpdateOneIter(booster.handle, Int32(i), train.handle), "XGBoosterUpdateOneIter")
        }
        // The training matrix is no longer needed; drop XGBoost's prediction cache for it.
        booster.cachedMatrices = []
        return booster
    }

    /// Sets one learner parameter (e.g. `nthread`).
    public func setParameter(_ key: String, _ value: String) throws(XGBoostError) {
        try XGBoostLibrary.check(XGBoosterSetParam(handle, key, value), "XGBoosterSetParam")
    }

    /// Number of input features the model expects.
    public var featureCount: Int {
        get throws(XGBoostError) {
            var n: bst_ulong = 0
            try XGBoostLibrary.check(XGBoosterGetNumFeature(handle, &n), "XGBoosterGetNumFeature")
            return Int(n)
        }
    }

    /// Number of boosting rounds in the model.
    public var boostedRounds: Int {
        get throws(XGBoostError) {
            var n: Int32 = 0
            try XGBoostLibrary.check(XGBoosterBoostedRounds(handle, &n), "XGBoosterBoostedRounds")
            return Int(n)
        }
    }

    /// The model serialized in `format`.
    public func serialized(_ format: Format = .ubj) throws(XGBoostError) -> Data {
        XGBoostLibrary.lock.lock()
        defer { XGBoostLibrary.lock.unlock() }
        var length: bst_ulong = 0
        var pointer: UnsafePointer<CChar>?
        let config = #"{"format": "\#(format.rawValue)"}"#
        try XGBoostLibrary.check(XGBoosterSaveModelToBuffer(handle, config, &length, &pointer), "XGBoosterSaveModelToBuffer")
        guard let pointer else { return Data() }
        return Data(bytes: pointer, count: Int(length))   // copied before any other call reuses the buffer
    }

    /// Saves the model atomically; the format follows the extension (`.json` or UBJ otherwise).
    public func save(to path: String) throws(XGBoostError) {
        let data = try serialized(Format(path: path))
        do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw .model(path: path, reason: "cannot write the model: \(error.localizedDescription)")
        }
    }

    /// Predicts one value per row of a row-major `rows × columns` matrix.
    ///
    /// Uses `XGBoosterPredictFromDense` (no DMatrix, no prediction cache); the library's
    /// per-thread output buffer is copied out before returning.
    /// `iterationEnd` limits the prediction to the first that many rounds (0: all).
    public func predict(values: [Float], rows: Int, columns: Int, iterationEnd: Int = 0) throws(XGBoostError) -> [Float] {
        guard rows > 0 else { return [] }
        guard values.count == rows * columns else {
            throw .invalidArgument("prediction needs rows × columns = \(rows) × \(columns) values, got \(values.count)")
        }
        // "missing" is a value no feature takes: every feature is present (skipped blocks are 0).
        let config = #"{"type": 0, "training": false, "iteration_begin": 0, "iteration_end": \#(iterationEnd), "strict_shape": false, "missing": -3.0e38, "cache_id": 0}"#
        return try values.withUnsafeBufferPointer { (buffer) throws(XGBoostError) -> [Float] in
            let address = UInt(bitPattern: buffer.baseAddress)
            let interface = #"{"data": [\#(address), true], "shape": [\#(rows), \#(columns)], "typestr": "<f4", "version": 3}"#
            var shape: UnsafePointer<bst_ulong>?
            var dims: bst_ulong = 0
            var result: UnsafePointer<Float>?
            try XGBoostLibrary.check(XGBoosterPredictFromDense(handle, interface, config, nil, &shape, &dims, &result),
                                     "XGBoosterPredictFromDense")
            guard let result else { throw .library(call: "XGBoosterPredictFromDense", message: "no output") }
            return Array(UnsafeBufferPointer(start: result, count: rows))
        }
    }
}
