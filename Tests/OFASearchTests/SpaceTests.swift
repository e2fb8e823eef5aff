import Testing
@testable import OFASearch

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
