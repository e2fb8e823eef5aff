import Foundation
import OFACore

/// Latency (ms) of a subnet as the sum of per-layer look-up table means, the way OFA's tutorial
/// and nsganetv2 estimate it.
///
/// Reads both public formats (see ``LatencyTableFormat``): OFA's directory of per-resolution files
/// (`latency/note10/`) and nsganetv2's single file (`latency/i7-8700k_lut.yaml`, both widths); a
/// single file with OFA's keys (as `ofasearch lut profile` can write) reads too. Keys are derived
/// from the space's ``NetworkWidth``. Everything a space can ask for is looked up once,
/// at load, into a dense table (resolution × block position × kernel × expand, plus the fixed
/// layers): a prediction is 20 array reads and adds, with no string work. A key the space needs
/// but the table lacks fails the load, naming the key and the file.
///
/// ```swift
/// let space = try SpaceCatalog.space(named: "ofa-mbv3-w1.2", resolutions: [160, 192, 224])
/// let note10 = try LatencyTable(contentsOf: "../shared/ofa-data/latency/note10", for: space)
/// let i7 = try LatencyTable(contentsOf: "../shared/ofa-data/latency/i7-8700k_lut.yaml", for: space)
/// let ms = try note10.predictEfficiency(space.largest(resolution: 224))   // 92.398
/// ```
public struct LatencyTable: EfficiencyPredictor {
    public let name: String
    public var metric: EfficiencyMetric { .latency }
    /// The directory or file the table was read from.
    public let source: String
    /// The key scheme.
    public let format: LatencyTableFormat
    /// Whether the table is a directory of `{r}_lookup_table.yaml` files (otherwise one file).
    public let isDirectory: Bool
    public let width: NetworkWidth
    /// Resolutions the table was built for, ascending.
    public let resolutions: [Int]
    /// Name of the space the dense table covers.
    public let spaceName: String

    /// Slot of each resolution (indexed by pixels), -1 when not covered.
    private let resolutionSlot: [Int32]
    /// Sum of the stem and the fixed first block, per resolution slot.
    private let head: [Double]
    /// Sum of the layers after the blocks, per resolution slot.
    private let tail: [Double]
    /// Slot of a (kernel, expand) pair, indexed `kernel << 4 | expand`; -1 when the space has neither.
    private let choiceSlot: [Int8]
    private let choiceCount: Int
    /// Block latencies, `[(slot * 20 + block) * choiceCount + choice]`; NaN where the space never
    /// uses the choice at that block.
    private let blocks: [Double]

    /// Loads a table, detecting the format: a directory holds OFA's per-resolution files; a file
    /// is nsganetv2's or OFA's, told apart by its keys.
    public init(contentsOf path: String, for space: any SearchSpace) throws(PredictorError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(path: path, reason: "no such file or directory")
        }
        if isDirectory.boolValue {
            try self.init(ofaDirectory: path, for: space)
            return
        }
        let file = try LatencyLookupFile(contentsOf: path)
        guard let format = LatencyTableFormat.detect(keys: file.means.keys) else {
            throw .malformed(path: path, reason: "neither OFA keys (expanded_conv-...) nor nsganetv2 keys (MBConv-...): not a latency table")
        }
        try self.init(source: path, format: format, isDirectory: false, space: space) { _ in file }
    }

    /// Loads OFA's per-resolution tables (`DIR/{r}_lookup_table.yaml` for each resolution of `space`).
    public init(ofaDirectory path: String, for space: any SearchSpace) throws(PredictorError) {
        try self.init(source: path, format: .ofa, isDirectory: true, space: space) { (r) throws(PredictorError) in
            try LatencyLookupFile(contentsOf: path + "/" + LatencyTableFormat.ofaFileName(resolution: r))
        }
    }

    /// Loads nsganetv2's single-file table.
    public init(nsganetv2File path: String, for space: any SearchSpace) throws(PredictorError) {
        let file = try LatencyLookupFile(contentsOf: path)
        try self.init(source: path, format: .nsganetv2, isDirectory: false, space: space) { _ in file }
    }

    /// Builds the dense table from `fileFor(resolution)`.
    private init(source path: String, format: LatencyTableFormat, isDirectory: Bool, space: any SearchSpace,
                 fileFor: (Int) throws(PredictorError) -> LatencyLookupFile) throws(PredictorError) {
        source = path
        self.format = format
        self.isDirectory = isDirectory
        width = space.width
        resolutions = space.resolutions
        spaceName = space.name
        name = "latency LUT \(URL(fileURLWithPath: path).lastPathComponent) (\(format.rawValue) keys, \(space.width.name))"

        // The (kernel, expand) pairs each block position may take in this space.
        var kernels = Set<Int>(), expands = Set<Int>()
        var allowed: [Set<Int>] = []   // per unit: kernel << 4 | expand
        for unit in 0..<Architecture.unitCount {
            var pairs = Set<Int>()
            for depth in space.depthChoices {
                for k in space.kernelChoices(unit: unit) {
                    for e in space.expandChoices(unit: unit, depth: depth) {
                        guard (1...15).contains(k), (1...15).contains(e) else {
                            throw .unsupported("latency table: kernel \(k) / expand \(e) cannot be indexed")
                        }
                        pairs.insert(k << 4 | e); kernels.insert(k); expands.insert(e)
                    }
                }
            }
            allowed.append(pairs)
        }
        var slots = [Int8](repeating: -1, count: 256)
        var pairOrder: [Int] = []
        for k in kernels.sorted() { for e in expands.sorted() { slots[k << 4 | e] = Int8(pairOrder.count); pairOrder.append(k << 4 | e) } }
        choiceSlot = slots
        choiceCount = pairOrder.count

        var resolutionSlot = [Int32](repeating: -1, count: (space.resolutions.max() ?? 0) + 1)
        var head: [Double] = [], tail: [Double] = []
        var blocks = [Double](repeating: .nan, count: space.resolutions.count * Architecture.blockCount * pairOrder.count)
        for (slot, r) in space.resolutions.enumerated() {
            resolutionSlot[r] = Int32(slot)
            let file = try fileFor(r)
            head.append(try file.mean(format.stemKey(width: width, resolution: r))
                        + file.mean(format.firstBlockKey(width: width, resolution: r)))
            var t = 0.0
            for key in format.tailKeys(width: width, resolution: r) { t += try file.mean(key) }
            tail.append(t)
            for (b, shape) in BlockShape.all(width: width, resolution: r).enumerated() {
                for (c, pair) in pairOrder.enumerated() where allowed[shape.unit].contains(pair) {
                    let key = format.blockKey(shape, kernel: pair >> 4, expand: pair & 15)
                    blocks[(slot * Architecture.blockCount + b) * pairOrder.count + c] = try file.mean(key)
                }
            }
        }
        self.resolutionSlot = resolutionSlot
        self.head = head
        self.tail = tail
        self.blocks = blocks
    }

    /// Latency of one architecture, in ms.
    public func predictEfficiency(_ arch: Architecture) throws -> Double {
        try latency(arch)
    }

    public func predictEfficiency(_ archs: [Architecture]) throws -> [Double] {
        var out = [Double](repeating: 0, count: archs.count)
        for i in archs.indices { out[i] = try latency(archs[i]) }
        return out
    }

    /// Latency of one architecture, in ms; the error says which resolution or block the table
    /// does not cover.
    public func latency(_ arch: Architecture) throws(PredictorError) -> Double {
        let r = arch.resolution
        guard r < resolutionSlot.count, resolutionSlot[r] >= 0 else {
            throw .unsupported("\(name) has no resolution \(r) (built for \(resolutions.map(String.init).joined(separator: ",")))")
        }
        let slot = Int(resolutionSlot[r])
        var total = head[slot]
        let base = slot * Architecture.blockCount * choiceCount
        for unit in 0..<Architecture.unitCount {
            let first = unit * Architecture.maxDepth
            for b in first..<first + arch.depth(unit: unit) {
                let c = Int(choiceSlot[Int(arch.kernelSizes[b]) << 4 | Int(arch.expandRatios[b])])
                let v = c >= 0 ? blocks[base + b * choiceCount + c] : .nan
                guard !v.isNaN else { throw outsideSpace(arch, block: b) }
                total += v
            }
        }
        return total + tail[slot]
    }

    private func outsideSpace(_ arch: Architecture, block b: Int) -> PredictorError {
        .unsupported("\(name) was built for \(spaceName); block \(b) of \(arch) (kernel \(arch.kernelSize(block: b)), expand \(arch.expandRatio(block: b))) is outside it")
    }

    /// The table keys a prediction for `arch` sums, in network order (for explanations and
    /// debugging; predictions themselves use the dense table).
    public func layerKeys(for arch: Architecture) -> [String] {
        let r = arch.resolution
        var keys = [format.stemKey(width: width, resolution: r), format.firstBlockKey(width: width, resolution: r)]
        for (b, shape) in BlockShape.all(width: width, resolution: r).enumerated() where arch.isActive(block: b) {
            keys.append(format.blockKey(shape, kernel: arch.kernelSize(block: b), expand: arch.expandRatio(block: b)))
        }
        return keys + format.tailKeys(width: width, resolution: r)
    }
}
