import COpenBLAS
import Foundation
import OFASearch

// Benchmarks: release build, one thread per pool unless a benchmark says otherwise, ratios
// against a baseline measured in the same run. Each group lives in its own file.
// OpenBLAS reads OPENBLAS_NUM_THREADS only when it loads, so set the pool size explicitly.
openblas_set_num_threads(1)
let groups: [(String, () throws -> Void)] = [
    ("predictors", PredictorBench.run),
    ("search", SearchBench.run),
    ("engine", EngineBench.run),
    ("xgboost", XGBoostBench.run),
    ("evaluators", EvaluatorBench.run),
]
let only = CommandLine.arguments.dropFirst().first
for (name, run) in groups where only == nil || only == name {
    print("== \(name)")
    do { try run() } catch { print("\(name): failed: \(error)") }
}
