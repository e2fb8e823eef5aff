/// A subnet of an OFA MobileNetV3 supernet, in the OFA convention: a kernel size and an expand
/// ratio for each of 20 blocks (5 units of at most 4 blocks), a depth for each unit, and an input
/// resolution.
///
/// The value is always canonical: entries of blocks that a unit's depth skips are stored as zero,
/// so equality, hashing, memoization and feature encodings ignore them. Storage is inline (SIMD
/// vectors), so creating and hashing architectures never allocates.
///
/// ```swift
/// let arch = try Architecture(ks: Array(repeating: 7, count: 20),
///                             e: Array(repeating: 6, count: 20),
///                             d: [4, 4, 4, 4, 4], r: 224)
/// arch.kernelSize(block: 3)   // 7
/// ```
public struct Architecture: Hashable, Sendable {
    public static let unitCount = 5
    public static let maxDepth = 4
    public static let blockCount = unitCount * maxDepth

    /// Kernel size per block (lanes 0..<20); zero for skipped blocks and unused lanes.
    public private(set) var kernelSizes: SIMD32<UInt8>
    /// Expand ratio per block (lanes 0..<20); zero for skipped blocks and unused lanes.
    public private(set) var expandRatios: SIMD32<UInt8>
    /// Depth per unit (lanes 0..<5); unused lanes zero.
    public private(set) var depths: SIMD8<UInt8>
    /// Input resolution in pixels.
    public var resolution: Int

    /// Creates an architecture from OFA-style lists, dropping the entries of skipped blocks.
    ///
    /// Only the shape is checked here (list lengths, depths 1...4, positive values); whether the
    /// values belong to a space is a question for ``SearchSpace/validate(_:)``.
    public init(ks: [Int], e: [Int], d: [Int], r: Int) throws(ArchitectureError) {
        guard ks.count == Self.blockCount else { throw .wrongLength(field: "ks", expected: Self.blockCount, got: ks.count) }
        guard e.count == Self.blockCount else { throw .wrongLength(field: "e", expected: Self.blockCount, got: e.count) }
        guard d.count == Self.unitCount else { throw .wrongLength(field: "d", expected: Self.unitCount, got: d.count) }
        guard r > 0, r <= 4096 else { throw .invalidValue(field: "r", value: r, expected: "a resolution in pixels") }
        var k = SIMD32<UInt8>(), x = SIMD32<UInt8>(), dd = SIMD8<UInt8>()
        for unit in 0..<Self.unitCount {
            guard (1...Self.maxDepth).contains(d[unit]) else {
                throw .invalidValue(field: "d[\(unit)]", value: d[unit], expected: "a depth in 1...\(Self.maxDepth)")
            }
            dd[unit] = UInt8(d[unit])
            for j in 0..<d[unit] {
                let b = unit * Self.maxDepth + j
                guard (1...15).contains(ks[b]) else { throw .invalidValue(field: "ks[\(b)]", value: ks[b], expected: "an odd kernel size") }
                guard (1...15).contains(e[b]) else { throw .invalidValue(field: "e[\(b)]", value: e[b], expected: "an expand ratio") }
                k[b] = UInt8(ks[b]); x[b] = UInt8(e[b])
            }
        }
        kernelSizes = k; expandRatios = x; depths = dd; resolution = r
    }

    /// Creates an architecture from per-unit block settings; `blocks[u]` lists (kernel, expand)
    /// for the active blocks of unit `u`, so its count is the unit's depth.
    public init(units blocks: [[(kernel: Int, expand: Int)]], resolution: Int) {
        precondition(blocks.count == Self.unitCount)
        var k = SIMD32<UInt8>(), x = SIMD32<UInt8>(), dd = SIMD8<UInt8>()
        for (u, unit) in blocks.enumerated() {
            precondition((1...Self.maxDepth).contains(unit.count))
            dd[u] = UInt8(unit.count)
            for (j, block) in unit.enumerated() {
                k[u * Self.maxDepth + j] = UInt8(block.kernel)
                x[u * Self.maxDepth + j] = UInt8(block.expand)
            }
        }
        kernelSizes = k; expandRatios = x; depths = dd; self.resolution = resolution
    }

    @inlinable public func depth(unit: Int) -> Int { Int(depths[unit]) }
    /// Kernel size of a block, or 0 when the block is skipped.
    @inlinable public func kernelSize(block: Int) -> Int { Int(kernelSizes[block]) }
    /// Expand ratio of a block, or 0 when the block is skipped.
    @inlinable public func expandRatio(block: Int) -> Int { Int(expandRatios[block]) }
    @inlinable public func isActive(block: Int) -> Bool { block % Self.maxDepth < Int(depths[block / Self.maxDepth]) }

    /// Indices of the active blocks, unit by unit.
    public var activeBlocks: [Int] {
        var out: [Int] = []
        out.reserveCapacity(Self.blockCount)
        for u in 0..<Self.unitCount { for j in 0..<depth(unit: u) { out.append(u * Self.maxDepth + j) } }
        return out
    }

    /// Sets a block's kernel size and expand ratio; ignored for skipped blocks (they stay zero).
    public mutating func setBlock(_ block: Int, kernel: Int, expand: Int) {
        guard isActive(block: block) else { return }
        kernelSizes[block] = UInt8(kernel)
        expandRatios[block] = UInt8(expand)
    }

    /// Sets a unit's depth. Blocks that become active take `fill`'s (kernel, expand); blocks that
    /// become skipped are cleared.
    public mutating func setDepth(unit: Int, to depth: Int, fill: (_ block: Int) -> (kernel: Int, expand: Int)) {
        precondition((1...Self.maxDepth).contains(depth))
        let old = self.depth(unit: unit)
        depths[unit] = UInt8(depth)
        for j in 0..<Self.maxDepth {
            let b = unit * Self.maxDepth + j
            if j >= depth {
                kernelSizes[b] = 0; expandRatios[b] = 0
            } else if j >= old {
                let v = fill(b)
                kernelSizes[b] = UInt8(v.kernel); expandRatios[b] = UInt8(v.expand)
            }
        }
    }

    /// OFA-style lists. Skipped blocks repeat the last active block of their unit, so the lists
    /// stay valid in every space (CompOFA's coupling and fixed kernels hold for them too).
    public var ks: [Int] { paddedList(kernelSizes) }
    public var e: [Int] { paddedList(expandRatios) }
    public var d: [Int] { (0..<Self.unitCount).map { Int(depths[$0]) } }

    private func paddedList(_ v: SIMD32<UInt8>) -> [Int] {
        var out = [Int](repeating: 0, count: Self.blockCount)
        for u in 0..<Self.unitCount {
            let last = u * Self.maxDepth + depth(unit: u) - 1
            for j in 0..<Self.maxDepth {
                let b = u * Self.maxDepth + j
                out[b] = Int(v[min(b, last)])
            }
        }
        return out
    }
}

extension Architecture: CustomStringConvertible {
    /// A compact form: `r224 d[4,4,4,4,4] k[7,7,...] e[6,6,...]` listing active blocks only.
    public var description: String {
        let blocks = activeBlocks
        return "r\(resolution) d\(d) k\(blocks.map { kernelSize(block: $0) }) e\(blocks.map { expandRatio(block: $0) })"
    }
}

/// A malformed architecture: names the field and what was expected.
public enum ArchitectureError: Error, Equatable, CustomStringConvertible {
    case wrongLength(field: String, expected: Int, got: Int)
    case invalidValue(field: String, value: Int, expected: String)
    case missingField(String)
    case malformed(String)

    public var description: String {
        switch self {
        case let .wrongLength(field, expected, got): "field '\(field)' must have \(expected) entries, got \(got)"
        case let .invalidValue(field, value, expected): "field '\(field)' has \(value), expected \(expected)"
        case let .missingField(field): "missing field '\(field)'"
        case let .malformed(why): why
        }
    }
}
