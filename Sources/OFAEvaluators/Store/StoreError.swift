/// A problem with a measurement store: the file (not a store, another format, locked beyond the
/// wait, full disk) or an input given to `store import`. Messages name the file.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case database(path: String, reason: String)
    /// A line of a file given to `store import`.
    case input(location: String, reason: String)

    public var description: String {
        switch self {
        case let .database(path, reason): "measurement store \(path): \(reason)"
        case let .input(location, reason): "\(location): \(reason)"
        }
    }
}
