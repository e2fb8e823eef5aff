import Foundation
import Synchronization
import Testing
@testable import OFACore
@testable import OFAStrategies
import OFATestSupport

/// The search's own pieces tested directly: the architecture hash table against the standard
/// library's dictionary, and a strategy running an operator it was handed.
@Suite struct OperatorTests {
    /// Random inserts, look-ups and updates, seeded, with enough repeats to hit existing keys and
    /// enough keys to make the table grow several times.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func architectureTableAgreesWithDictionary(seed: UInt64) throws {
        let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.2", resolutions: [160, 192, 224])
        var rng = SeededGenerator(seed: seed)
        let pool = (0..<3000).map { _ in space.sample(using: &rng) }
        var table = ArchitectureTable<Int>(capacity: 4)
        var reference: [Architecture: Int] = [:]
        var order: [Architecture] = []
        for step in 0..<20_000 {
            let arch = pool[Int.random(in: 0..<pool.count, using: &rng)]
            let index = table.index(of: arch)
            #expect((index != nil) == (reference[arch] != nil))
            if let index {
                #expect(table[index] == reference[arch])
                #expect(table.architecture(at: index) == arch)
                if step % 3 == 0 {
                    table[index] = step
                    reference[arch] = step
                }
            } else {
                let i = table.append(arch, step)
                #expect(i == order.count)
                reference[arch] = step
                order.append(arch)
            }
            #expect(table.count == reference.count)
        }
        for (i, arch) in order.enumerated() {
            #expect(table.index(of: arch) == i)
            #expect(table[i] == reference[arch])
        }
    }

    /// A mutation that always proposes one architecture and counts its calls.
    final class PinnedMutation: Mutation {
        let pinned: Architecture
        let calls = Mutex(0)

        init(_ pinned: Architecture) { self.pinned = pinned }

        func mutate(_ parent: Architecture, in space: any SearchSpace, using rng: inout SeededGenerator) -> Architecture {
            calls.withLock { $0 += 1 }
            return pinned
        }
    }

    @Test func evolutionarySearchRunsTheMutationItIsGiven() throws {
        let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.2", resolutions: [160, 176, 192, 208, 224])
        let problem = SearchProblem(space: space, accuracy: FakeAccuracy(), efficiency: FakeCost(), budget: 20, threads: 1)
        let pinned = space.smallest(resolution: 160)
        let mutation = PinnedMutation(pinned)
        var ea = EvolutionarySearch(population: 20, generations: 5, mutationRatio: 1)
        ea.mutation = mutation
        let r = try ea.search(problem, seed: 7)
        // Every child is a mutation (ratio 1): the pinned architecture.
        #expect(mutation.calls.withLock { $0 } >= 5 * 20)
        #expect(r.population.contains { $0.arch == pinned })
    }
}
