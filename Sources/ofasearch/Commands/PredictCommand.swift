import ArgumentParser
import Foundation
import OFASearch

/// `ofasearch predict --space NAME [--accuracy FILE] [--latency TABLE] [--macs] < archs.jsonl`
///
/// Reads one architecture per line (OFA net settings: `ks`, `e`, `d`, and `r`, `[r]` or
/// `image_size`), checks each against the space, predicts in batches and prints one JSON line per
/// architecture: its canonical `ks/e/d/r` plus `accuracy` (top-1 fraction), `latency_ms`, `macs`
/// and `params` as requested. Any bad input stops it with one error line naming the line, field,
/// key or file, and exit status 1.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict accuracy and efficiency for architectures read from standard input.",
        discussion: """
            Input: JSON Lines, one OFA net setting per line ({"ks":[20],"e":[20],"d":[5],"r":224}; \
            "r":[224] and "image_size":224 are accepted, other keys ignored).
            Output: one JSON line per input line, in order, with the canonical ks/e/d/r (entries of \
            blocks that a unit's depth skips repeat the unit's last active block) and the \
            requested predictions. Each batch is answered as soon as it is complete, so a client \
            can keep the pipe open and read the answers (--batch-size 1: every line at once).
            """
    )

    @OptionGroup var space: SpaceOptions

    @Option(help: ArgumentHelp("Accuracy predictor: OFA's tutorial MLP export (JSON) or an XGBoost model directory (predictors/ofa-mbv3-w1.0-top1).", valueName: "path"))
    var accuracy: String?

    @Option(help: ArgumentHelp("Latency look-up table: an OFA per-resolution directory (note10/) or an nsganetv2 file (i7-8700k_lut.yaml).",
                               valueName: "table"))
    var latency: String?

    @Flag(help: "Add analytic MACs (OFA/fvcore counting).")
    var macs = false

    @Flag(help: "Add the parameter count.")
    var params = false

    @Option(help: ArgumentHelp("Read architectures from this file instead of standard input.", valueName: "file"))
    var input: String?

    @Option(help: "Architectures per prediction batch; each batch is answered as soon as it is complete.")
    var batchSize = 4096

    func run() throws {
        do {
            try predict()
        } catch {
            FileHandle.standardError.write(Data("ofasearch predict: error: \(String(describing: error).printable)\n".utf8))
            throw ExitCode.failure
        }
    }

    private func predict() throws {
        guard batchSize > 0, batchSize <= Self.maxBatchSize else {
            throw PredictInputError("--batch-size must be in 1...\(Self.maxBatchSize), got \(batchSize)")
        }
        guard accuracy != nil || latency != nil || macs || params else {
            throw PredictInputError("nothing to predict: give --accuracy FILE, --latency TABLE, --macs and/or --params")
        }
        let space: any SearchSpace
        do { space = try self.space.resolve() } catch let e as ValidationError { throw PredictInputError(e.message) }

        // Load predictors before reading input, so a bad predictor path fails fast.
        let predictions = try Predictions(space: space, accuracy: accuracy, latency: latency, macs: macs, params: params)

        var reader = try openInput()
        // Architectures are answered a batch at a time, as soon as the batch is complete (or the
        // input ends), so a client can drive `predict` over a pipe it keeps open; batch
        // boundaries depend on the input alone, never on timing, so outputs repeat exactly.
        var batch: [Architecture] = [], lines: [Int] = []
        func answer() throws {
            guard !batch.isEmpty else { return }
            let answers = try locate(batch, lines: lines, source: reader.source) { try predictions.answers($0) }
            var output = ""
            for fields in answers {
                output += JSONValue.object(fields).rendered()
                output += "\n"
            }
            FileHandle.standardOutput.write(Data(output.utf8))
            batch.removeAll(keepingCapacity: true)
            lines.removeAll(keepingCapacity: true)
        }
        while let line = try reader.next() {
            let trimmed = line.text.jsonTrimmed
            if trimmed.isEmpty { continue }
            do {
                let obj = try JSONCObject(parsing: String(trimmed))
                guard obj.isObject else { throw JSONInputError.invalid("expected a JSON object (an OFA net setting)") }
                batch.append(try Architecture(json: obj, in: space))
                lines.append(line.number)
            } catch {
                throw PredictInputError("\(reader.source):\(line.number): \(error)")
            }
            if batch.count == batchSize { try answer() }
        }
        try answer()
    }

    /// The largest `--batch-size`: a batch is held in memory with its predictions.
    static let maxBatchSize = 1 << 20

    /// A reader over `--input` or standard input. A device (`/dev/zero`) or a directory is
    /// refused: it is not a file of architectures, and reading it would never end.
    private func openInput() throws -> LineReader {
        guard let input else {
            guard isatty(0) == 0 else {
                throw PredictInputError("standard input is a terminal: pipe architectures in (JSON Lines) or use --input FILE")
            }
            var reader = LineReader(fileDescriptor: 0, source: "stdin")
            reader.maxLineBytes = Self.maxLineBytes
            return reader
        }
        var info = stat()
        guard stat(input, &info) == 0 else {
            throw PredictInputError("cannot read --input \(input): \(String(cString: strerror(errno)).lowercased())")
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: throw PredictInputError("--input \(input) is a directory; give a JSON Lines file")
        case S_IFREG, S_IFIFO: break
        default: throw PredictInputError("--input \(input) is a device or socket, not a JSON Lines file")
        }
        let fd = open(input, O_RDONLY)
        guard fd >= 0 else {
            throw PredictInputError("cannot read --input \(input): \(String(cString: strerror(errno)).lowercased())")
        }
        // The descriptor lives as long as the command: the process ends after it.
        var reader = LineReader(fileDescriptor: fd, source: input)
        reader.maxLineBytes = Self.maxLineBytes
        return reader
    }

    /// One net setting is a few hundred bytes: a line of a mebibyte is not one (`< /dev/zero`).
    static let maxLineBytes = 1 << 20

    /// Runs a batched prediction; on failure, finds the first architecture that fails and names
    /// its line.
    private func locate<T>(_ batch: [Architecture], lines: [Int], source: String,
                           _ predict: ([Architecture]) throws -> [T]) throws -> [T] {
        do { return try predict(batch) } catch {
            for (i, arch) in batch.enumerated() {
                do { _ = try predict([arch]) } catch {
                    throw PredictInputError("\(source):\(lines[i]): \(error)")
                }
            }
            throw error
        }
    }
}

/// A one-line error for `predict`.
struct PredictInputError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The predictions `predict` and `serve` answer with, loaded once: per architecture its canonical
/// `ks/e/d/r` and the requested `accuracy` (top-1 fraction), `latency_ms`, `macs`, `params`, each
/// checked (finite, in range) before it is given out.
struct Predictions {
    let accuracy: (any AccuracyPredictor)?
    let latency: (any EfficiencyPredictor)?
    let counter: MACsPredictor
    let macs: Bool
    let params: Bool

    init(space: any SearchSpace, accuracy: String?, latency: String?, macs: Bool, params: Bool) throws {
        self.accuracy = try accuracy.map { try PredictorLoader.accuracy(path: $0, space: space) }
        self.latency = try latency.map { try PredictorLoader.latency(path: $0, space: space) }
        counter = MACsPredictor(width: space.width)
        self.macs = macs
        self.params = params
    }

    /// The names of the answered fields, in order.
    var fields: [String] {
        (accuracy == nil ? [] : ["accuracy"]) + (latency == nil ? [] : ["latency_ms"]) + (macs ? ["macs"] : []) + (params ? ["params"] : [])
    }

    func answers(_ batch: [Architecture]) throws -> [[(String, JSONValue)]] {
        let accuracies = try accuracy.map { p in try PredictionCheck.accuracies(try p.predictAccuracy(batch), of: batch, predictor: p.name) }
        let latencies = try latency.map { t in
            try PredictionCheck.efficiencies(try t.predictEfficiency(batch), of: batch, metric: .latency, predictor: t.name)
        }
        return batch.enumerated().map { i, arch in
            var fields = arch.jsonFields
            // The MLP computes in Float32: print the shortest digits that identify that value.
            if let accuracies { fields.append(("accuracy", .double(Double(String(Float(accuracies[i])))!))) }
            if let latencies { fields.append(("latency_ms", .double(latencies[i]))) }
            if macs { fields.append(("macs", .int(counter.macs(of: arch)))) }
            if params { fields.append(("params", .int(counter.parameters(of: arch)))) }
            return fields
        }
    }
}
