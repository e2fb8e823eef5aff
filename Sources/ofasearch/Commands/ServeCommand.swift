import ArgumentParser
import Foundation
import OFASearch

/// `ofasearch serve`: the evaluator protocol in reverse. The predictors are loaded once; a
/// client (DyNAS-T, pymoo, a notebook) keeps the process and sends requests over its standard
/// input, so a generation costs a prediction, not a process start and a predictor load.
///
/// ```text
/// ← {"protocol":"ofasearch-serve/1","space":"ofa-mbv3-w1.2","answers":["accuracy","latency_ms"],...}
/// → {"id":1,"archs":[{"ks":[...],"e":[...],"d":[...],"r":224}, ...]}
/// ← {"id":1,"results":[{"ks":[...],"e":[...],"d":[...],"r":224,"accuracy":0.79,"latency_ms":21.3}, ...]}
/// ```
struct ServeCommand: ParsableCommand {
    static let protocolVersion = "ofasearch-serve/1"

    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Answer prediction requests over standard input and output, with the predictors loaded once.",
        discussion: """
            After a handshake line naming the protocol (\(protocolVersion)), the space, the answered fields and the \
            predictors, each request line {"id": N, "archs": [net settings]} is answered by one line \
            {"id": N, "results": [...]} with each architecture's canonical ks/e/d/r and the requested predictions, \
            as `predict` prints them. A bad request is answered {"id": N, "error": "..."} (id null when the line \
            is not JSON) and the server goes on; it ends at the end of its input. docs/evaluators.md has a client.
            """
    )

    @OptionGroup var space: SpaceOptions

    @Option(help: ArgumentHelp("Accuracy predictor: OFA's tutorial MLP export (JSON), an XGBoost model directory or an evaluator spec.", valueName: "path"))
    var accuracy: String?

    @Option(help: ArgumentHelp("Latency predictor: a look-up table (OFA directory or nsganetv2 file), an XGBoost model or an evaluator spec.", valueName: "table"))
    var latency: String?

    @Flag(help: "Add analytic MACs.") var macs = false
    @Flag(help: "Add the parameter count.") var params = false

    func run() throws {
        guard accuracy != nil || latency != nil || macs || params else {
            throw ValidationError("nothing to serve: give --accuracy, --latency, --macs and/or --params")
        }
        let space = try self.space.resolve()
        let predictions = try Predictions(space: space, accuracy: accuracy, latency: latency, macs: macs, params: params)
        var hello: [(String, JSONValue)] = [("protocol", .string(Self.protocolVersion)), ("space", .string(space.name)),
                                            ("resolutions", .array(space.resolutions.map { .int($0) })),
                                            ("answers", .array(predictions.fields.map { .string($0) }))]
        if let a = predictions.accuracy { hello.append(("accuracy_predictor", .string(a.name))) }
        if let l = predictions.latency { hello.append(("latency_predictor", .string(l.name))) }
        Self.send(.object(hello))

        var reader = LineReader(fileDescriptor: 0, source: "stdin")
        reader.maxLineBytes = 64 << 20
        var failedAt: String?
        while true {
            let line: LineReader.Line?
            do { line = try reader.next() } catch {
                // A line that is not UTF-8 is answered and skipped; one the reader cannot get past
                // (longer than 64 MiB, an unreadable input) ends the server after its answer.
                Self.send(.object([("id", .null), ("error", .string("\(error)"))]))
                if failedAt == "\(error)" { throw ExitCode.failure }
                failedAt = "\(error)"
                continue
            }
            guard let line else { break }
            failedAt = nil
            let text = line.text.jsonTrimmed
            if text.isEmpty { continue }
            Self.send(Self.answer(String(text), line: line.number, space: space, predictions: predictions))
        }
    }

    /// The reply to one request line.
    static func answer(_ text: String, line: Int, space: any SearchSpace, predictions: Predictions) -> JSONValue {
        let request: JSONCObject
        do { request = try JSONCObject(parsing: text) } catch {
            return .object([("id", .null), ("error", .string("line \(line): not JSON: \(error)"))])
        }
        guard request.isObject, let idNode = request["id"], idNode.intValue != nil || idNode.stringValue != nil else {
            return .object([("id", .null), ("error", .string("line \(line): expected {\"id\": N, \"archs\": [...]}"))])
        }
        let id: JSONValue = idNode.intValue.map { .int($0) } ?? .string(idNode.stringValue!)
        func failure(_ message: String) -> JSONValue { .object([("id", id), ("error", .string(message))]) }
        guard let list = request["archs"], list.isArray else { return failure("'archs' must be a list of net settings") }
        var archs: [Architecture] = []
        for i in 0..<list.count {
            guard let item = list[i], item.isObject else { return failure("archs[\(i)]: expected a net setting object") }
            do { archs.append(try Architecture(json: item, in: space)) } catch { return failure("archs[\(i)]: \(error)") }
        }
        do {
            return .object([("id", id), ("results", .array(try predictions.answers(archs).map { .object($0) }))])
        } catch {
            return failure("\(error)")
        }
    }

    static func send(_ value: JSONValue) {
        FileHandle.standardOutput.write(Data((value.rendered() + "\n").utf8))
    }
}
