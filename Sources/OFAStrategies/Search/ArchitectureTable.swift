import OFACore

/// A hash table from canonical architectures to values, for the search's memo cache: open
/// addressing with linear probing and a multiply–xorshift hash of the architecture's storage
/// words. Lookups neither allocate nor go through `Hasher` (SipHash), which made `Dictionary` the
/// largest cost of the search outside the predictor. No removal.
struct ArchitectureTable<Value> {
    private var keys: [Architecture] = []
    private var values: [Value] = []
    private var hashes: [UInt64] = []
    /// Slot → index into `keys`/`values` + 1; 0 marks an empty slot.
    private var slots: [Int32]
    private var mask: Int

    init(capacity: Int = 1024) {
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        slots = Array(repeating: 0, count: n)
        mask = n - 1
    }

    var count: Int { keys.count }

    @inline(__always)
    static func hash(_ a: Architecture) -> UInt64 {
        let k = unsafeBitCast(a.kernelSizes, to: SIMD4<UInt64>.self)
        let e = unsafeBitCast(a.expandRatios, to: SIMD4<UInt64>.self)
        let d = unsafeBitCast(a.depths, to: UInt64.self) ^ (UInt64(truncatingIfNeeded: a.resolution) << 40)
        // Kernel sizes and expand ratios fit in 4 bits: one word per pair of storage words.
        var h = (k[0] ^ (e[0] << 4)) &* 0x9E37_79B9_7F4A_7C15
        h = (h ^ (h >> 29) ^ (k[1] ^ (e[1] << 4))) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ (h >> 31) ^ (k[2] ^ (e[2] << 4))) &* 0x94D0_49BB_1331_11EB
        h = (h ^ (h >> 29) ^ d) &* 0x9E37_79B9_7F4A_7C15
        return h ^ (h >> 32)
    }

    @inline(__always)
    static func same(_ a: Architecture, _ b: Architecture) -> Bool {
        let ka = unsafeBitCast(a.kernelSizes, to: SIMD4<UInt64>.self), kb = unsafeBitCast(b.kernelSizes, to: SIMD4<UInt64>.self)
        let ea = unsafeBitCast(a.expandRatios, to: SIMD4<UInt64>.self), eb = unsafeBitCast(b.expandRatios, to: SIMD4<UInt64>.self)
        // Lanes 20..<32 are always zero, so the first three words decide.
        return a.resolution == b.resolution
            && unsafeBitCast(a.depths, to: UInt64.self) == unsafeBitCast(b.depths, to: UInt64.self)
            && ka[0] == kb[0] && ka[1] == kb[1] && ka[2] == kb[2]
            && ea[0] == eb[0] && ea[1] == eb[1] && ea[2] == eb[2]
    }

    /// Index of `arch`'s entry, or nil.
    @inline(__always)
    func index(of arch: Architecture) -> Int? {
        let h = Self.hash(arch)
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let i = Int(slots[s])
            if i == 0 { return nil }
            if hashes[i - 1] == h, Self.same(keys[i - 1], arch) { return i - 1 }
            s = (s + 1) & mask
        }
    }

    /// Adds an entry for an architecture not in the table; returns its index.
    @discardableResult
    mutating func append(_ arch: Architecture, _ value: Value) -> Int {
        if (keys.count + 1) * 2 > slots.count { grow() }
        let h = Self.hash(arch)
        keys.append(arch)
        values.append(value)
        hashes.append(h)
        place(h, Int32(keys.count))
        return keys.count - 1
    }

    subscript(index: Int) -> Value {
        @inline(__always) get { values[index] }
        @inline(__always) set { values[index] = newValue }
    }

    func architecture(at index: Int) -> Architecture { keys[index] }

    @inline(__always)
    private mutating func place(_ h: UInt64, _ entry: Int32) {
        var s = Int(truncatingIfNeeded: h) & mask
        while slots[s] != 0 { s = (s + 1) & mask }
        slots[s] = entry
    }

    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        mask = slots.count - 1
        for (i, h) in hashes.enumerated() { place(h, Int32(i + 1)) }
    }
}
