import Foundation
import Synchronization
import OFACore

/// An evaluator program the user runs (their validation script, their device's runtime), started
/// once as a worker and asked for measurements in batches over JSON Lines; see
/// `docs/evaluators.md` for the protocol.
///
/// Every answer is checked (finite, within the metric's range, the request's id and count). A
/// worker that crashes or hangs is restarted up to the spec's `restarts` times and the request
/// sent again; one that breaks the protocol, answers an architecture with an error, or gives an
/// impossible value stops the caller with one error naming the evaluator and the architecture.
/// Calls are serialized (one worker, one request at a time), so it can be shared by threads.
/// With a store (the spec's `store`), what the store holds for this evaluator's identity is not
/// measured again, and each batch's measurements are committed to it as soon as they arrive.
///
/// ```swift
/// let ort = try ExternalEvaluator(spec: try EvaluatorSpec(contentsOf: "ort.yaml"))
/// let ms = try ort.measure([arch], space: "ofa-mbv3-w1.0")   // [EvaluatorMeasurement]
/// ```
public final class ExternalEvaluator: Sendable {
    public let spec: EvaluatorSpec
    public let identity: EvaluatorIdentity
    public let store: MeasurementStore?
    private let state: Mutex<State>

    private struct State: ~Copyable {
        var worker: EvaluatorWorker?
        var nextID = 1
        var restartsLeft: Int
        /// Requests answered, for counts in reports.
        var requests = 0
        /// Architectures measured by the worker, and answered from the store.
        var measured = 0
        var fromStore = 0
    }

    public init(spec: EvaluatorSpec) throws(EvaluatorError) {
        self.spec = spec
        let (worker, identity) = try Self.start(spec)
        self.identity = identity
        do { store = try spec.store.map { path throws(StoreError) in try MeasurementStore(path: path) } } catch {
            worker.stop()
            // The default store sits beside the spec, which may be a read-only place: say how to choose.
            guard case let .database(path, reason) = error else { throw .store(error) }
            throw .store(.database(path: path, reason: reason + " (the spec \(spec.path) can name another file with store: FILE, or store: none)"))
        }
        state = Mutex(State(worker: worker, restartsLeft: spec.restarts))
    }

    deinit { state.withLock { $0.worker?.stop() } }

    /// Measurements of `archs`, in order: those the store holds from it, the rest measured (each
    /// distinct architecture once) in requests of at most `batch_size` architectures, each
    /// request's answers committed to the store before the next is sent.
    public func measure(_ archs: [Architecture], space: String) throws(EvaluatorError) -> [EvaluatorMeasurement] {
        var out = [EvaluatorMeasurement?](repeating: nil, count: archs.count)
        if let store {
            do { out = try store.lookup(identity, space: space, archs) } catch { throw .store(error) }
        }
        var pending: [Architecture] = []
        var positions: [Architecture: [Int]] = [:]
        for (i, arch) in archs.enumerated() where out[i] == nil {
            if positions[arch] == nil { pending.append(arch) }
            positions[arch, default: []].append(i)
        }
        var start = 0, measuredPositions = 0
        while start < pending.count {
            let batch = Array(pending[start..<min(pending.count, start + spec.batchSize)])
            let (values, sent) = try state.withLock { state throws(EvaluatorError) -> ([EvaluatorMeasurement], [Int]) in
                // Another thread of this run, or another process on the store, may have measured
                // some of them while this one waited for the worker.
                var known = [EvaluatorMeasurement?](repeating: nil, count: batch.count)
                if let store {
                    do throws(StoreError) { known = try store.lookup(identity, space: space, batch) } catch { throw .store(error) }
                }
                let todo = batch.indices.filter { known[$0] == nil }
                if !todo.isEmpty {
                    let fresh = try request(todo.map { batch[$0] }, space: space, state: &state)
                    if let store {
                        do throws(StoreError) { try store.record(identity, space: space, Array(zip(todo.map { batch[$0] }, fresh))) } catch { throw .store(error) }
                    }
                    for (j, i) in todo.enumerated() { known[i] = fresh[j] }
                    state.measured += todo.count
                }
                return (known.map { $0! }, todo)
            }
            for (arch, m) in zip(batch, values) { for i in positions[arch]! { out[i] = m } }
            measuredPositions += sent.map { positions[batch[$0]]!.count }.reduce(0, +)
            start += batch.count
        }
        state.withLock { $0.fromStore += archs.count - measuredPositions }
        return out.map { $0! }
    }

    /// Latencies of single layers, by their OFA look-up-table keys (`Conv-input:224x224x3-output:112x112x16`,
    /// `expanded_conv-input:…`), for profiling a table with the evaluator's runtime: requests
    /// `{"id", "layers": [KEY, ...]}` of at most `batch_size` keys. Not stored (a table is the record).
    public func measureLayers(_ keys: [String]) throws(EvaluatorError) -> [EvaluatorMeasurement] {
        guard identity.metric == .latency else {
            throw .spec(path: spec.path, reason: "\(identity.label) measures \(identity.metric.rawValue); layer latencies need a latency_ms evaluator")
        }
        var out: [EvaluatorMeasurement] = []
        var start = 0
        while start < keys.count {
            let batch = Array(keys[start..<min(keys.count, start + spec.batchSize)])
            out += try state.withLock { state throws(EvaluatorError) in
                try request(nil, ("layers", .array(batch.map { .string($0) })), items: batch, noun: "layers", state: &state)
            }
            start += batch.count
        }
        return out
    }

    /// Requests made so far.
    public var requestCount: Int { state.withLock { $0.requests } }
    /// Distinct architectures the worker measured so far, and answers taken from the store.
    public var measuredCount: Int { state.withLock { $0.measured } }
    public var storedCount: Int { state.withLock { $0.fromStore } }

    private func request(_ archs: [Architecture], space: String, state: inout State) throws(EvaluatorError) -> [EvaluatorMeasurement] {
        try request(("space", .string(space)), ("archs", .array(archs.map(\.json))), items: archs.map(\.description), noun: "architectures", state: &state)
    }

    /// Sends one request (`id`, `context`, `list`) and reads its reply, restarting a crashed or
    /// hung worker as the spec allows; `items` name the list's entries in errors.
    private func request(_ context: (String, JSONValue)?, _ list: (String, JSONValue), items: [String], noun: String,
                         state: inout State) throws(EvaluatorError) -> [EvaluatorMeasurement] {
        while true {
            let worker: EvaluatorWorker
            if let w = state.worker, w.isRunning { worker = w } else { worker = try restart(&state, reason: "it was not running") }
            let id = state.nextID
            state.nextID += 1
            let message = JSONValue.object([("id", .int(id))] + (context.map { [$0] } ?? []) + [list]).rendered()
            let answer: String?
            if worker.send(message) {
                do { answer = try worker.readLine(until: .now + .milliseconds(Int64(spec.timeoutSeconds * 1000))) } catch {
                    worker.stop()
                    try retryOrFail(&state, worker: worker, reason: "no answer to request \(id) (\(items.count) \(noun)) within \(PredictionCheck.format(spec.timeoutSeconds)) s")
                    continue
                }
            } else {
                answer = nil
            }
            guard let answer else {
                worker.stop()
                try retryOrFail(&state, worker: worker, reason: "the worker ended (\(worker.exitDescription)) during request \(id)")
                continue
            }
            state.requests += 1
            return try parse(answer, id: id, items: items, noun: noun, worker: worker)
        }
    }

    private func retryOrFail(_ state: inout State, worker: EvaluatorWorker, reason: String) throws(EvaluatorError) {
        guard state.restartsLeft > 0 else {
            throw .worker(evaluator: spec.path, reason: reason + "; gave up after \(spec.restarts) restart\(spec.restarts == 1 ? "" : "s")", stderr: worker.tail)
        }
        state.restartsLeft -= 1
        state.worker = nil
    }

    private func restart(_ state: inout State, reason: String) throws(EvaluatorError) -> EvaluatorWorker {
        let (worker, identity) = try Self.start(spec)
        guard identity == self.identity else {
            worker.stop()
            throw .worker(evaluator: spec.path, reason: "restarted as \(identity.label), not \(self.identity.label) as before", stderr: [])
        }
        state.worker = worker
        return worker
    }

    private static func start(_ spec: EvaluatorSpec) throws(EvaluatorError) -> (EvaluatorWorker, EvaluatorIdentity) {
        let worker = try EvaluatorWorker(spec: spec)
        let line: String?
        do { line = try worker.readLine(until: .now + .milliseconds(Int64(spec.startupTimeoutSeconds * 1000))) } catch {
            worker.stop()
            throw .worker(evaluator: spec.path, reason: "no handshake within \(PredictionCheck.format(spec.startupTimeoutSeconds)) s", stderr: worker.tail)
        }
        guard let line else {
            worker.stop()
            throw .worker(evaluator: spec.path, reason: "the worker ended (\(worker.exitDescription)) before its handshake", stderr: worker.tail)
        }
        do {
            return (worker, try EvaluatorIdentity(hello: try JSONCObject(parsing: line)))
        } catch {
            worker.stop()
            throw .worker(evaluator: spec.path, reason: "bad handshake: \(error)", stderr: worker.tail)
        }
    }

    /// Reads a reply: `{"id": N, "results": [{"value": v, "spread": s, "repeats": k} | {"error": "..."}, ...]}`.
    private func parse(_ line: String, id: Int, items: [String], noun: String, worker: EvaluatorWorker) throws(EvaluatorError) -> [EvaluatorMeasurement] {
        func broken(_ why: String) -> EvaluatorError {
            .worker(evaluator: spec.path, reason: "reply to request \(id) \(why)", stderr: worker.tail)
        }
        let reply: JSONCObject
        do { reply = try JSONCObject(parsing: line) } catch { throw broken("is not JSON (\(error))") }
        guard reply.isObject, let got = reply["id"]?.intValue else { throw broken("has no integer 'id'") }
        guard got == id else { throw broken("carries id \(got)") }
        guard let results = reply["results"], results.isArray else { throw broken("has no 'results' list") }
        guard results.count == items.count else { throw broken("has \(results.count) results for \(items.count) \(noun)") }
        var out: [EvaluatorMeasurement] = []
        for (i, item) in items.enumerated() {
            guard let r = results[i], r.isObject else { throw broken("result \(i) is not an object") }
            if let message = r["error"] {
                throw .measurement(evaluator: spec.path, arch: item, reason: "it reported an error: \(message.stringValue ?? message.jsonString)")
            }
            guard let value = r["value"]?.doubleValue else { throw broken("result \(i) has no finite 'value'") }
            let range: ClosedRange<Double> = identity.metric == .accuracy ? 0...1 : EfficiencyMetric.latency.plausibleRange
            guard range.contains(value), identity.metric == .accuracy || value > 0 else {
                throw .measurement(evaluator: spec.path, arch: item,
                                   reason: "\(identity.metric.rawValue) \(value) is impossible; expected \(identity.metric == .accuracy ? "a top-1 fraction in [0, 1]" : "a positive latency in ms")")
            }
            let spread = r["spread"]?.doubleValue
            if let spread, spread < 0 { throw broken("result \(i) has a negative spread") }
            let repeats = r["repeats"]?.intValue
            if let repeats, repeats < 1 { throw broken("result \(i) has repeats < 1") }
            out.append(EvaluatorMeasurement(value: value, spread: spread, repeats: repeats))
        }
        return out
    }
}
