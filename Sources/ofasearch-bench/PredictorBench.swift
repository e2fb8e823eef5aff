import OFASearch

enum PredictorBench {
    static func run() throws { print("(not written yet)") }
}
