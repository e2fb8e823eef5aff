import OFASearch

enum EngineBench {
    static func run() throws { print("(not written yet)") }
}
