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
            Output: one JSON line per input line, in order, with the canonical ks/e/d/r and the \
            requested predictions.
            """
    )

    @OptionGroup var space: SpaceOptions

    @Option(help: ArgumentHelp("Accuracy predictor: OFA's tutorial MLP export (JSON).", valueName: "file"))
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

    @Option(help: "Architectures per prediction batch.")
    var batchSize = 4096

    func run() throws {
        do {
            try predict()
        } catch {
            FileHandle.standardError.write(Data("ofasearch predict: error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    private func predict() throws {
        guard batchSize > 0 else { throw PredictInputError("--batch-size must be positive, got \(batchSize)") }
        guard accuracy != nil || latency != nil || macs || params else {
            throw PredictInputError("nothing to predict: give --accuracy FILE, --latency TABLE, --macs and/or --params")
        }
        let space: any SearchSpace
        do { space = try self.space.resolve() } catch let e as ValidationError { throw PredictInputError(e.message) }

        // Load predictors before reading input, so a bad predictor path fails fast.
        let mlp = try accuracy.map { try MLPAccuracyPredictor(contentsOf: $0) }
        let table = try latency.map { try LatencyTable(contentsOf: $0, for: space) }
        let counter = MACsPredictor(width: space.width)

        let source = input ?? "stdin"
        let text = try readInput()
        var lineNumbers: [Int] = []
        var line = 0
        let archs = try JSONLines.parse(text, source: source) { obj -> Architecture in
            let arch = try Architecture(json: obj)
            try space.validate(arch)
            return arch
        }
        // JSONLines skips blank lines; recover each architecture's line number for later errors.
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            line += 1
            if !raw.allSatisfy(\.isWhitespace) { lineNumbers.append(line) }
        }

        var output = ""
        var start = 0
        while start < archs.count {
            let batch = Array(archs[start..<min(start + batchSize, archs.count)])
            let accuracies = try mlp.map { p in try locate(batch, from: start, lines: lineNumbers, source: source) { try p.predictAccuracy($0) } }
            let latencies = try table.map { t in try locate(batch, from: start, lines: lineNumbers, source: source) { try t.predictEfficiency($0) } }
            output.removeAll(keepingCapacity: true)
            for (i, arch) in batch.enumerated() {
                var fields = arch.jsonFields
                // The MLP computes in Float32: print the shortest digits that identify that value.
                if let accuracies { fields.append(("accuracy", .double(Double(String(Float(accuracies[i])))!))) }
                if let latencies { fields.append(("latency_ms", .double(latencies[i]))) }
                if macs { fields.append(("macs", .int(counter.macs(of: arch)))) }
                if params { fields.append(("params", .int(counter.parameters(of: arch)))) }
                output += JSONValue.object(fields).rendered()
                output += "\n"
            }
            FileHandle.standardOutput.write(Data(output.utf8))
            start += batch.count
        }
    }

    private func readInput() throws -> String {
        if let input {
            do { return try String(contentsOfFile: input, encoding: .utf8) } catch {
                throw PredictInputError("cannot read \(input): \((error as NSError).localizedDescription)")
            }
        }
        guard isatty(0) == 0 else {
            throw PredictInputError("standard input is a terminal: pipe architectures in (JSON Lines) or use --input FILE")
        }
        let data = FileHandle.standardInput.readDataToEndOfFile()
        guard let text = String(data: data, encoding: .utf8) else { throw PredictInputError("stdin is not UTF-8 text") }
        return text
    }

    /// Runs a batched prediction; on failure, finds the first architecture that fails and names
    /// its line.
    private func locate(_ batch: [Architecture], from start: Int, lines: [Int], source: String,
                        _ predict: ([Architecture]) throws -> [Double]) throws -> [Double] {
        do { return try predict(batch) } catch {
            for (i, arch) in batch.enumerated() {
                do { _ = try predict([arch]) } catch {
                    throw PredictInputError("\(source):\(lines[start + i]): \(error)")
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
