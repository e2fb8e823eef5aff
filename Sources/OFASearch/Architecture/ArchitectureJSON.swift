extension Architecture {
    /// Reads an architecture from an OFA net-setting object: `ks`, `e`, `d` and one of
    /// `"r": 224`, `"r": [224]` or `"image_size": 224`. Other keys (`wid`, measurements) are
    /// ignored. Errors name the key.
    ///
    /// ```swift
    /// let arch = try Architecture(json: JSONCObject(parsing: line))
    /// ```
    public init(json obj: JSONCObject) throws(JSONInputError) {
        let ks = try obj.intArray("ks"), e = try obj.intArray("e"), d = try obj.intArray("d")
        let r: Int
        if let rv = obj["r"] {
            if let v = rv.intValue { r = v } else if rv.isArray, rv.count == 1, let v = rv[0].intValue { r = v } else {
                throw .wrongType(key: "r", expected: "an integer or a one-element list")
            }
        } else if obj["image_size"] != nil {
            r = try obj.int("image_size")
        } else {
            throw .missingKey("r")
        }
        do { try self.init(ks: ks, e: e, d: d, r: r) } catch { throw .invalid(error.description) }
    }

    /// The architecture as an OFA net-setting object, `{"ks":[...],"e":[...],"d":[...],"r":224}`.
    public var jsonFields: [(String, JSONValue)] {
        [("ks", .array(ks.map { .int($0) })), ("e", .array(e.map { .int($0) })),
         ("d", .array(d.map { .int($0) })), ("r", .int(resolution))]
    }

    public var json: JSONValue { .object(jsonFields) }
}
