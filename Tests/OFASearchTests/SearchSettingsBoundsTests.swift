import Testing
import OFASearch

/// Settings from the command line that would trap (integer overflow) or exhaust memory are refused
/// with an error naming the setting.
struct SearchSettingsBoundsTests {
    @Test func randomSearchBudgetThatOverflowsIsRefused() {
        let settings = SearchSettings(population: 10_000_000_000, generations: 10_000_000_000)
        #expect(throws: SearchError.self) { try SearchStrategies.make("random", settings: settings) }
        #expect(throws: SearchError.self) {
            try SearchStrategies.make("random", settings: SearchSettings(population: 2, generations: .max))
        }
        // With explicit samples the product is not needed.
        var explicit = settings
        explicit.samples = 10
        #expect(throws: Never.self) { try SearchStrategies.make("random", settings: explicit) }
    }

    @Test(arguments: [SearchSettings.maxPopulation + 1, 10_000_000, Int.max])
    func hugePopulationIsRefused(population: Int) {
        #expect(throws: SearchError.self) {
            try SearchStrategies.make("evolutionary", settings: SearchSettings(population: population, parentRatio: 1, mutationRatio: 1))
        }
        #expect(throws: SearchError.self) { try NSGA2Search(population: population).validate() }
        #expect(throws: Never.self) { try SearchStrategies.make("evolutionary", settings: SearchSettings(population: SearchSettings.maxPopulation)) }
    }
}
