import ArgumentParser
import OFASearch

@main
struct OFASearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ofasearch",
        abstract: "Hardware-aware architecture search over OFA and CompOFA supernets.",
        subcommands: [
            SpaceCommand.self, PredictCommand.self, PredictorCommand.self, SearchCommand.self,
            RunCommand.self, MergeCommand.self, LUTCommand.self,
        ]
    )
}
