import OFACore

/// Stored measurements as the JSON Lines that `predictor train` and `predictor eval` read.
///
/// Accuracy: `{"ks","e","d","r","top1","source"}`, top-1 in % (the layout of
/// `../shared/ofa-data/accuracy/*.jsonl`; train with `--target top1`). Latency:
/// `{"ks","e","d","r","latency_ms": {KEY: ms}}` (the HELP latency file's layout; train with
/// `--target latency_ms.KEY`).
///
/// ```swift
/// let text = StoreExport.jsonLines(try store.rows(metric: .accuracy, space: "ofa-mbv3-w1.0"), metric: .accuracy)
/// ```
public enum StoreExport {
    /// The default key under `latency_ms`: the evaluator's name, letters and digits kept, the
    /// rest `_`.
    public static func latencyKey(_ identity: EvaluatorIdentity?) -> String {
        String((identity?.name ?? "latency").map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    public static func jsonLines(_ rows: [MeasurementStore.Row], metric: EvaluatorIdentity.Metric, latencyKey: String? = nil) -> String {
        let key = latencyKey ?? Self.latencyKey(rows.first?.identity)
        return rows.map { row -> String in
            var fields = row.arch.jsonFields
            switch metric {
            case .accuracy:
                // Top-1 in %, without the binary noise of the × 100.
                fields += [("top1", .double((row.measurement.value * 100 * 1e9).rounded() / 1e9)), ("source", .string(row.identity.label))]
            case .latency:
                fields.append(("latency_ms", .object([(key, .double(row.measurement.value))])))
            }
            return JSONValue.object(fields).rendered() + "\n"
        }.joined()
    }
}
