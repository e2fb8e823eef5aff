import OFASearch

enum SearchBench {
    static func run() throws { print("(not written yet)") }
}
