import Testing
@testable import OFACore
@testable import OFAExperiments

@Suite struct SpaceTests {
    @Test func compofaFixedCountsAndEnumerates() throws {
        let space = try SpaceCatalog.space(named: "compofa-mbv3-w1.2", resolutions: [160, 176, 192, 208, 224])
        #expect(space.size == 1215)
        let all = try space.enumerate()
        #expect(all.count == 1215)
        #expect(Set(all).count == 1215)
        for a in all { try space.validate(a) }
    }

    @Test func ofaCountIsExactBeyondUInt64() throws {
        let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.0")
        let perRes: UInt128 = 7371 * 7371 * 7371 * 7371 * 7371
        #expect(space.sizePerResolution == perRes)
        #expect(space.size == perRes * 25)
        #expect(space.size > UInt128(UInt64.max))
        #expect(String(describing: space.size) == "543966387314312146275")
        #expect(throws: SpaceError.self) { try space.enumerate() }
    }

    @Test func compofaElasticCount() throws {
        let space = try SpaceCatalog.space(named: "compofa-elastic-mbv3-w1.0", resolutions: [128])
        #expect(space.size == 117 * 117 * 117 * 117 * 117)
    }
}

@Suite struct SpaceOperatorTests {
    static let spaces: [any SearchSpace] = SpaceCatalog.names.map { try! SpaceCatalog.space(named: $0) }

    @Test(arguments: 0..<6) func operatorsStayInsideTheSpace(index: Int) throws {
        let space = Self.spaces[index]
        var rng = SeededGenerator(seed: UInt64(index))
        var pool = (0..<50).map { _ in space.sample(using: &rng) } + (0..<50).map { _ in space.sampleUniformly(using: &rng) }
        for _ in 0..<2000 {
            let a = pool[Int.random(in: 0..<pool.count, using: &rng)]
            let b = pool[Int.random(in: 0..<pool.count, using: &rng)]
            let m = space.mutate(a, probability: 0.3, using: &rng)
            let c = space.crossover(a, b, using: &rng)
            try space.validate(m)
            try space.validate(c)
            pool[Int.random(in: 0..<pool.count, using: &rng)] = rng.next() & 1 == 0 ? m : c
        }
    }

    @Test func compofaCrossoverTakesWholeUnits() throws {
        let space = try SpaceCatalog.space(named: "compofa-elastic-mbv3-w1.2")
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<500 {
            let a = space.sample(using: &rng), b = space.sample(using: &rng)
            let c = space.crossover(a, b, using: &rng)
            for u in 0..<Architecture.unitCount {
                let blocks = (0..<Architecture.maxDepth).map { u * Architecture.maxDepth + $0 }
                let unit = { (x: Architecture) in blocks.map { [x.kernelSize(block: $0), x.expandRatio(block: $0)] } }
                #expect(unit(c) == unit(a) || unit(c) == unit(b))
            }
        }
    }

    @Test func uniformSamplingFollowsTheDepthWeights() throws {
        // In OFA each extra block multiplies the options by 9, so depth 4 holds 6561/7371 of a unit's options.
        let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.0")
        var rng = SeededGenerator(seed: 11)
        var deep = 0, n = 20000
        for _ in 0..<n / 5 { let a = space.sampleUniformly(using: &rng); for u in 0..<5 where a.depth(unit: u) == 4 { deep += 1 } }
        n = n / 5 * 5
        #expect(abs(Double(deep) / Double(n) - 6561.0 / 7371.0) < 0.01)
    }

    @Test func samplingIsReproducible() throws {
        let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.2")
        var r1 = SeededGenerator(seed: 42), r2 = SeededGenerator(seed: 42)
        let a = (0..<100).map { _ in space.sample(using: &r1) }
        let b = (0..<100).map { _ in space.sample(using: &r2) }
        #expect(a == b)
        #expect(Set(a).count > 95)
    }

    @Test func validationNamesTheField() throws {
        let space = try SpaceCatalog.space(named: "compofa-mbv3-w1.0")
        let bad = try Architecture(ks: Array(repeating: 3, count: 20), e: Array(repeating: 4, count: 20), d: [2, 2, 2, 2, 2], r: 224)
        #expect(throws: SpaceError.notInSpace(space: "compofa-mbv3-w1.0", field: "e[0]", value: 4, allowed: [3])) { try space.validate(bad) }
        let ofa = try SpaceCatalog.space(named: "ofa-mbv3-w1.2")
        #expect(throws: SpaceError.notInSpace(space: "ofa-mbv3-w1.2", field: "r", value: 128, allowed: ofa.resolutions)) {
            try ofa.validate(Architecture(ks: Array(repeating: 3, count: 20), e: Array(repeating: 4, count: 20), d: [2, 2, 2, 2, 2], r: 128))
        }
        #expect(throws: SpaceError.self) { try SpaceCatalog.space(named: "ofa-mbv3-w1.2", resolutions: [150]) }
        #expect(throws: SpaceError.self) { try SpaceCatalog.space(named: "nope") }
    }

    @Test func smallestAndLargest() throws {
        let space = try SpaceCatalog.space(named: "compofa-mbv3-w1.2")
        let s = space.smallest(resolution: 160), l = space.largest(resolution: 224)
        #expect(s.d == [2, 2, 2, 2, 2] && s.e.allSatisfy { $0 == 3 } && s.ks == [3, 3, 3, 3, 5, 5, 5, 5, 3, 3, 3, 3, 3, 3, 3, 3, 5, 5, 5, 5])
        #expect(l.d == [4, 4, 4, 4, 4] && l.e.allSatisfy { $0 == 6 })
    }
}
