import OFACore

/// OFA's 128-value feature encoding of a subnet, as its tutorial accuracy predictor reads it:
/// 60 kernel one-hots (block i at 3i + {3: 0, 5: 1, 7: 2}), 60 expand one-hots (60 + 3i +
/// {3: 0, 4: 1, 6: 2}), then 8 resolution one-hots at 120 + (r − 112) / 16. Blocks skipped by
/// depth get all-zero groups.
///
/// The encoding is sparse (at most 41 ones), so it is handed out as the indices of its ones.
///
/// ```swift
/// let ones = try OFATutorialEncoding.activeIndices(of: arch)   // e.g. [2, 4, ..., 127]
/// let dense = try OFATutorialEncoding.encode(arch)             // 128 floats
/// ```
public enum OFATutorialEncoding {
    public static let width = 128
    /// Upper bound on the number of ones: a kernel and an expand one-hot per block, one resolution.
    public static let maxActive = 2 * Architecture.blockCount + 1
    public static let resolutionOffset = 120
    /// Resolutions that have a slot: 112...239.
    public static let resolutionRange = 112..<(112 + 16 * 8)

    /// Slot of a kernel size or expand ratio within its group of three, indexed by value; -1 = none.
    @usableFromInline static let kernelSlot: [Int] = slotTable([3, 5, 7])
    @usableFromInline static let expandSlot: [Int] = slotTable([3, 4, 6])

    private static func slotTable(_ values: [Int]) -> [Int] {
        var t = [Int](repeating: -1, count: 256)
        for (i, v) in values.enumerated() { t[v] = i }
        return t
    }

    /// Writes the indices of the encoding's ones (ascending) into `out` and returns how many.
    /// `out` must hold ``maxActive`` entries.
    @inlinable
    public static func activeIndices(of arch: Architecture, into out: UnsafeMutablePointer<Int32>) throws(PredictorError) -> Int {
        guard resolutionRange.contains(arch.resolution) else {
            throw .unsupported("the OFA tutorial encoding has resolution slots for \(resolutionRange.lowerBound)...\(resolutionRange.upperBound - 1), not \(arch.resolution)")
        }
        var n = 0
        for b in 0..<Architecture.blockCount where arch.isActive(block: b) {
            let s = kernelSlot[Int(arch.kernelSizes[b])]
            guard s >= 0 else { throw .unsupported("the OFA tutorial encoding has no slot for kernel size \(arch.kernelSize(block: b)) (block \(b)); expected 3, 5 or 7") }
            out[n] = Int32(3 * b + s); n += 1
        }
        for b in 0..<Architecture.blockCount where arch.isActive(block: b) {
            let s = expandSlot[Int(arch.expandRatios[b])]
            guard s >= 0 else { throw .unsupported("the OFA tutorial encoding has no slot for expand ratio \(arch.expandRatio(block: b)) (block \(b)); expected 3, 4 or 6") }
            out[n] = Int32(60 + 3 * b + s); n += 1
        }
        out[n] = Int32(resolutionOffset + (arch.resolution - resolutionRange.lowerBound) / 16); n += 1
        return n
    }

    /// The indices of the encoding's ones, ascending.
    public static func activeIndices(of arch: Architecture) throws(PredictorError) -> [Int] {
        var buffer = [Int32](repeating: 0, count: maxActive)
        let n = try buffer.withUnsafeMutableBufferPointer { (p) throws(PredictorError) -> Int in
            try activeIndices(of: arch, into: p.baseAddress!)
        }
        return buffer[..<n].map(Int.init)
    }

    /// The dense 128-value encoding.
    public static func encode(_ arch: Architecture) throws(PredictorError) -> [Float] {
        var v = [Float](repeating: 0, count: width)
        for i in try activeIndices(of: arch) { v[i] = 1 }
        return v
    }
}
