import ArgumentParser
import Foundation
import OFASearch

@main
struct OFASearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ofasearch",
        abstract: "Hardware-aware architecture search over OFA and CompOFA supernets.",
        subcommands: [
            SpaceCommand.self, PredictCommand.self, PredictorCommand.self, SearchCommand.self,
            RunCommand.self, MergeCommand.self, LUTCommand.self, ForkServerCommand.self,
        ]
    )

    /// One OpenBLAS thread unless OPENBLAS_NUM_THREADS says otherwise: the search runs its own
    /// threads over small batches, and latency measurements time one core.
    static func main() {
        if ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] == nil { MachineInfo.pinBLASThreads(1) }
        main(nil)
    }
}
