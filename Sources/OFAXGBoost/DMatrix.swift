import CXGBoost
import OFACore

/// A dense training or evaluation matrix held by XGBoost (row-major `Float` values, optional
/// labels). Freed when released.
///
/// ```swift
/// let m = try DMatrix(values: [1, 2, 3, 4], rows: 2, columns: 2, labels: [0.5, 1.5])
/// m.rows   // 2
/// ```
public final class DMatrix: @unchecked Sendable {
    let handle: DMatrixHandle
    public let rows: Int
    public let columns: Int

    /// Copies `values` (row-major, `rows × columns`) into a new XGBoost matrix. No value is
    /// treated as missing except NaN.
    public init(values: [Float], rows: Int, columns: Int, labels: [Float]? = nil) throws(XGBoostError) {
        guard rows > 0, columns > 0, values.count == rows * columns else {
            throw .invalidArgument("DMatrix needs rows × columns = \(rows) × \(columns) values, got \(values.count)")
        }
        if let labels, labels.count != rows {
            throw .invalidArgument("DMatrix has \(rows) rows but \(labels.count) labels")
        }
        var out: DMatrixHandle?
        let status = values.withUnsafeBufferPointer {
            XGDMatrixCreateFromMat($0.baseAddress, bst_ulong(rows), bst_ulong(columns), Float.nan, &out)
        }
        try XGBoostLibrary.check(status, "XGDMatrixCreateFromMat")
        guard let out else { throw .library(call: "XGDMatrixCreateFromMat", message: "no handle returned") }
        handle = out
        self.rows = rows
        self.columns = columns
        if let labels {
            let s = labels.withUnsafeBufferPointer {
                XGDMatrixSetFloatInfo(handle, "label", $0.baseAddress, bst_ulong(rows))
            }
            try XGBoostLibrary.check(s, "XGDMatrixSetFloatInfo")
        }
    }

    deinit { XGDMatrixFree(handle) }
}
