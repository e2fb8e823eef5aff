extension Architecture {
    /// Reads an architecture from an OFA net-setting object: `ks`, `e`, `d` and one of
    /// `"r": 224`, `"r": [224]` or `"image_size": 224`. Other keys (`wid`, measurements) are
    /// ignored. Errors name the key.
    ///
    /// ```swift
    /// let arch = try Architecture(json: JSONCObject(parsing: line))
    /// ```
    public init(json obj: JSONCObject) throws(JSONInputError) {
        let (ks, e, d, r) = try Self.netSetting(obj)
        do { try self.init(ks: ks, e: e, d: d, r: r) } catch { throw .invalid(error.description) }
    }

    /// Reads an architecture and checks it against `space`: every active block's choice must be
    /// the space's, and every entry of a skipped block must still be a value some block of the
    /// space may take (OFA's code fills skipped blocks from the same choices; anything else is a
    /// typo that would otherwise pass unseen). Errors name the field.
    ///
    /// ```swift
    /// let arch = try Architecture(json: JSONCObject(parsing: line), in: space)
    /// ```
    /// With `checkingResolution: false` the resolution is left to the caller (a model that
    /// interpolates between the resolutions it saw judges it).
    public init(json obj: JSONCObject, in space: any SearchSpace, checkingResolution: Bool = true) throws(JSONInputError) {
        let (ks, e, d, r) = try Self.netSetting(obj)
        do { try self.init(ks: ks, e: e, d: d, r: r) } catch { throw .invalid(error.description) }
        var probe = self
        if !checkingResolution, let first = space.resolutions.first { probe.resolution = first }
        do { try space.validate(probe) } catch { throw .invalid(error.description) }
        let kernels = Set((0..<Self.unitCount).flatMap { space.kernelChoices(unit: $0) })
        let expands = Set((0..<Self.unitCount).flatMap { u in space.depthChoices.flatMap { space.expandChoices(unit: u, depth: $0) } })
        for b in 0..<Self.blockCount where !isActive(block: b) {
            guard kernels.contains(ks[b]) else {
                throw .invalid(SpaceError.notInSpace(space: space.name, field: "ks[\(b)]", value: ks[b], allowed: kernels.sorted()).description + " (a skipped block)")
            }
            guard expands.contains(e[b]) else {
                throw .invalid(SpaceError.notInSpace(space: space.name, field: "e[\(b)]", value: e[b], allowed: expands.sorted()).description + " (a skipped block)")
            }
        }
    }

    private static func netSetting(_ obj: JSONCObject) throws(JSONInputError) -> (ks: [Int], e: [Int], d: [Int], r: Int) {
        let ks = try obj.intArray("ks"), e = try obj.intArray("e"), d = try obj.intArray("d")
        let r: Int
        if let rv = obj["r"] {
            if let v = rv.intValue { r = v } else if rv.isArray, rv.count == 1, let v = rv[0]?.intValue { r = v } else {
                throw .wrongType(key: "r", expected: "an integer or a one-element list")
            }
        } else if obj["image_size"] != nil {
            r = try obj.int("image_size")
        } else {
            throw .missingKey("r")
        }
        return (ks, e, d, r)
    }

    /// The architecture as an OFA net-setting object, `{"ks":[...],"e":[...],"d":[...],"r":224}`.
    public var jsonFields: [(String, JSONValue)] {
        [("ks", .array(ks.map { .int($0) })), ("e", .array(e.map { .int($0) })),
         ("d", .array(d.map { .int($0) })), ("r", .int(resolution))]
    }

    public var json: JSONValue { .object(jsonFields) }
}
