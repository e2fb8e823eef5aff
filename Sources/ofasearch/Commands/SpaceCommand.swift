import ArgumentParser
import OFASearch

struct SpaceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "space",
        abstract: "Inspect search spaces.",
        subcommands: [Count.self, List.self]
    )

    struct Count: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the exact number of subnets in a space.")
        @OptionGroup var space: SpaceOptions
        func run() throws { print(try space.resolve().size) }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the known spaces with their resolutions and sizes.")
        func run() throws {
            for name in SpaceCatalog.names {
                let s = try SpaceCatalog.space(named: name)
                print("\(name)\tr\(s.resolutions.first!)...\(s.resolutions.last!) (\(s.resolutions.count))\t\(s.size)")
            }
        }
    }
}

/// `--space NAME [--resolutions 160,176]`, shared by every command that works in a space.
struct SpaceOptions: ParsableArguments {
    @Option(help: "Search space: \(SpaceCatalog.names.joined(separator: ", ")).")
    var space: String

    @Option(help: "Comma-separated resolutions narrowing the space (default: all the space serves).")
    var resolutions: String?

    func resolve() throws -> any SearchSpace {
        var list: [Int]?
        if let resolutions {
            list = try resolutions.split(separator: ",", omittingEmptySubsequences: false).enumerated().map { i, part in
                let item = part.trimmingCharacters(in: .whitespaces)
                guard !item.isEmpty else { throw ValidationError("--resolutions: item \(i + 1) of '\(resolutions)' is empty; expected comma-separated integers like 160,176") }
                guard let r = Int(item) else { throw ValidationError("--resolutions: '\(item)' is not an integer") }
                return r
            }
            if let list, Set(list).count != list.count {
                throw ValidationError("--resolutions lists a resolution twice: '\(resolutions)'")
            }
        }
        do { return try SpaceCatalog.space(named: space, resolutions: list) } catch { throw ValidationError(error.description) }
    }
}
