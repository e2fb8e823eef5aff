import CSQLite
import Foundation
import Synchronization
import OFACore

/// A SQLite database of measurements from external evaluators, so nothing is measured twice: a
/// repeated or resumed search or experiment finds what was measured before and asks the
/// evaluator only for the rest. A measurement is keyed by the evaluator's identity (name,
/// version, device, metric: a new device or version measures anew), the space and the canonical
/// architecture, and is committed as soon as its batch is answered. The first measurement of a
/// key is kept; a later one of the same key is not written.
///
/// Processes on one machine share a store (write-ahead logging; a writer waits for another's
/// commit). A store on a network file system is not safe: on a cluster, give each shard its own.
///
/// ```swift
/// let store = try MeasurementStore(path: "measurements.sqlite")
/// try store.record(identity, space: "ofa-mbv3-w1.0", [(arch, EvaluatorMeasurement(value: 12.3))])
/// try store.lookup(identity, space: "ofa-mbv3-w1.0", [arch])   // [EvaluatorMeasurement(value: 12.3)]
/// ```
public final class MeasurementStore: Sendable {
    public let path: String
    private let connection: Mutex<Connection>

    /// The schema's version, in `PRAGMA user_version`; a store of another version is refused.
    static let formatVersion: Int32 = 1

    /// One stored measurement, as `store export` writes it.
    public struct Row: Sendable, Equatable {
        public var identity: EvaluatorIdentity
        public var space: String
        public var arch: Architecture
        public var measurement: EvaluatorMeasurement
        /// ISO 8601, UTC.
        public var measuredAt: String
        /// `measured` or `imported from FILE`.
        public var source: String
    }

    /// What a store holds for one evaluator identity and space.
    public struct Summary: Sendable, Equatable {
        public var identity: EvaluatorIdentity
        public var space: String
        public var count: Int
        public var first: String
        public var last: String
    }

    /// Opens the store at `path`; with `create`, a missing file becomes a new store (its folder
    /// must exist). A SQLite database that is not a store is refused, never converted.
    public init(path: String, create: Bool = true) throws(StoreError) {
        self.path = path
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX
        guard sqlite3_open_v2(path, &db, flags, nil) == SQLITE_OK, let db else {
            let reason = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(db)
            throw .database(path: path, reason: reason)
        }
        let c = Connection(db: db, path: path)
        sqlite3_busy_timeout(db, 60_000)
        do throws(StoreError) {
            let version = try c.scalarInt("PRAGMA user_version")
            if version != 0 && version != Int(Self.formatVersion) {
                throw StoreError.database(path: path, reason: "is a measurement store of format \(version); this ofasearch reads format \(Self.formatVersion)")
            }
            // Only a new (empty) database gets the schema: an existing store is opened as it is
            // (a read-only copy too), another program's database is left alone.
            if version == 0 {
                // (A `measurements` table alone: another process is creating this store now.)
                if try c.scalarInt("SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'measurements%' AND name NOT LIKE 'sqlite_autoindex_measurements%'") > 0 {
                    throw StoreError.database(path: path, reason: "is a SQLite database but not a measurement store")
                }
                _ = try c.scalarText("PRAGMA journal_mode=WAL")
                try c.execute("""
                    CREATE TABLE IF NOT EXISTS measurements (
                      evaluator TEXT NOT NULL, version TEXT NOT NULL, device TEXT NOT NULL, metric TEXT NOT NULL,
                      space TEXT NOT NULL, arch TEXT NOT NULL,
                      value REAL NOT NULL, spread REAL, repeats INTEGER, measured_at TEXT NOT NULL, source TEXT NOT NULL,
                      PRIMARY KEY (evaluator, version, device, metric, space, arch)) WITHOUT ROWID;
                    PRAGMA user_version = \(Self.formatVersion);
                    """)
            }
        } catch {
            sqlite3_close(db)
            throw error
        }
        connection = Mutex(c)
    }

    deinit { connection.withLock { sqlite3_close($0.db) } }

    /// The stored measurement of each architecture (nil where there is none), in order.
    public func lookup(_ identity: EvaluatorIdentity, space: String, _ archs: [Architecture]) throws(StoreError) -> [EvaluatorMeasurement?] {
        try connection.withLock { c throws(StoreError) in
            let statement = try c.prepare("""
                SELECT value, spread, repeats FROM measurements
                WHERE evaluator = ?1 AND version = ?2 AND device = ?3 AND metric = ?4 AND space = ?5 AND arch = ?6
                """)
            defer { sqlite3_finalize(statement) }
            return try archs.map { arch throws(StoreError) -> EvaluatorMeasurement? in
                sqlite3_reset(statement)
                c.bind(statement, [identity.name, identity.version, identity.device, identity.metric.rawValue, space, Self.key(arch)])
                switch sqlite3_step(statement) {
                case SQLITE_ROW:
                    return EvaluatorMeasurement(value: sqlite3_column_double(statement, 0),
                                                spread: sqlite3_column_type(statement, 1) == SQLITE_NULL ? nil : sqlite3_column_double(statement, 1),
                                                repeats: sqlite3_column_type(statement, 2) == SQLITE_NULL ? nil : Int(sqlite3_column_int64(statement, 2)))
                case SQLITE_DONE: return nil
                default: throw c.error()
                }
            }
        }
    }

    /// Commits measurements in one transaction; keys already stored keep their first value.
    /// Returns how many were new.
    @discardableResult
    public func record(_ identity: EvaluatorIdentity, space: String, _ measured: [(Architecture, EvaluatorMeasurement)],
                       source: String = "measured", at time: Date = Date()) throws(StoreError) -> Int {
        guard !measured.isEmpty else { return 0 }
        let stamp = Self.timestamp(time)
        return try connection.withLock { c throws(StoreError) in
            try c.execute("BEGIN IMMEDIATE")
            do throws(StoreError) {
                let statement = try c.prepare("""
                    INSERT OR IGNORE INTO measurements
                    (evaluator, version, device, metric, space, arch, value, spread, repeats, measured_at, source)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                    """)
                defer { sqlite3_finalize(statement) }
                var added = 0
                for (arch, m) in measured {
                    sqlite3_reset(statement)
                    c.bind(statement, [identity.name, identity.version, identity.device, identity.metric.rawValue, space, Self.key(arch)])
                    sqlite3_bind_double(statement, 7, m.value)
                    if let s = m.spread { sqlite3_bind_double(statement, 8, s) } else { sqlite3_bind_null(statement, 8) }
                    if let r = m.repeats { sqlite3_bind_int64(statement, 9, Int64(r)) } else { sqlite3_bind_null(statement, 9) }
                    c.bind(statement, [stamp, source], from: 10)
                    guard sqlite3_step(statement) == SQLITE_DONE else { throw c.error() }
                    added += Int(sqlite3_changes(c.db))
                }
                try c.execute("COMMIT")
                return added
            } catch {
                try? c.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// Adds every measurement of the store at `path` (a cluster shard's, another machine's) that
    /// this one does not hold; keys it holds keep their value. Returns how many were added.
    @discardableResult
    public func merge(from path: String) throws(StoreError) -> Int {
        // Opening it checks that it is a store of this format (and never creates one).
        _ = try MeasurementStore(path: path, create: false)
        return try connection.withLock { c throws(StoreError) in
            let attach = try c.prepare("ATTACH DATABASE ?1 AS other")
            c.bind(attach, [path])
            let attached = sqlite3_step(attach)
            sqlite3_finalize(attach)
            guard attached == SQLITE_DONE else { throw c.error() }
            defer { try? c.execute("DETACH DATABASE other") }
            try c.execute("BEGIN IMMEDIATE")
            do throws(StoreError) {
                try c.execute("INSERT OR IGNORE INTO main.measurements SELECT * FROM other.measurements")
                let added = Int(sqlite3_changes(c.db))
                try c.execute("COMMIT")
                return added
            } catch {
                try? c.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// Per evaluator identity and space: how many measurements, and when the first and last were made.
    public func summaries() throws(StoreError) -> [Summary] {
        try connection.withLock { c throws(StoreError) in
            let statement = try c.prepare("""
                SELECT evaluator, version, device, metric, space, COUNT(*), MIN(measured_at), MAX(measured_at) FROM measurements
                GROUP BY evaluator, version, device, metric, space ORDER BY evaluator, version, device, metric, space
                """)
            defer { sqlite3_finalize(statement) }
            var out: [Summary] = []
            while true {
                let step = sqlite3_step(statement)
                if step == SQLITE_DONE { return out }
                guard step == SQLITE_ROW else { throw c.error() }
                let identity = try c.identity(statement, path: path)
                out.append(Summary(identity: identity, space: c.text(statement, 4), count: Int(sqlite3_column_int64(statement, 5)),
                                   first: c.text(statement, 6), last: c.text(statement, 7)))
            }
        }
    }

    /// The stored measurements of one metric (and space, when given; and evaluator name, when
    /// given), in the order they were made (architecture as the tie-break).
    public func rows(metric: EvaluatorIdentity.Metric, space: String? = nil, evaluator: String? = nil) throws(StoreError) -> [Row] {
        try connection.withLock { c throws(StoreError) in
            let statement = try c.prepare("""
                SELECT evaluator, version, device, metric, space, arch, value, spread, repeats, measured_at, source FROM measurements
                WHERE metric = ?1 AND (?2 IS NULL OR space = ?2) AND (?3 IS NULL OR evaluator = ?3)
                ORDER BY measured_at, evaluator, version, device, space, arch
                """)
            defer { sqlite3_finalize(statement) }
            c.bind(statement, [metric.rawValue])
            if let space { c.bind(statement, [space], from: 2) }
            if let evaluator { c.bind(statement, [evaluator], from: 3) }
            var out: [Row] = []
            while true {
                let step = sqlite3_step(statement)
                if step == SQLITE_DONE { return out }
                guard step == SQLITE_ROW else { throw c.error() }
                let identity = try c.identity(statement, path: path)
                let archText = c.text(statement, 5)
                let arch: Architecture
                do { arch = try Architecture(json: try JSONCObject(parsing: archText)) } catch {
                    throw .database(path: path, reason: "holds an unreadable architecture \(archText.excerpt): \(error)")
                }
                let m = EvaluatorMeasurement(value: sqlite3_column_double(statement, 6),
                                             spread: sqlite3_column_type(statement, 7) == SQLITE_NULL ? nil : sqlite3_column_double(statement, 7),
                                             repeats: sqlite3_column_type(statement, 8) == SQLITE_NULL ? nil : Int(sqlite3_column_int64(statement, 8)))
                out.append(Row(identity: identity, space: c.text(statement, 4), arch: arch, measurement: m,
                               measuredAt: c.text(statement, 9), source: c.text(statement, 10)))
            }
        }
    }

    /// The key of an architecture: its canonical JSON (blocks beyond each unit's depth hold the
    /// unit's last active block's values, as ``Architecture`` keeps them).
    static func key(_ arch: Architecture) -> String { arch.json.rendered() }

    static func timestamp(_ date: Date) -> String {
        var formatter = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        formatter.timeZone = TimeZone(identifier: "UTC")!
        return formatter.format(date)
    }
}

/// The SQLite handle and the few calls the store makes on it (used under the store's lock).
struct Connection: ~Copyable, @unchecked Sendable {
    let db: OpaquePointer
    let path: String

    func error() -> StoreError { .database(path: path, reason: String(cString: sqlite3_errmsg(db))) }

    func execute(_ sql: String) throws(StoreError) {
        var message: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(db, sql, nil, nil, &message) == SQLITE_OK else {
            let reason = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(db))
            sqlite3_free(message)
            throw .database(path: path, reason: reason)
        }
    }

    func prepare(_ sql: String) throws(StoreError) -> OpaquePointer {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else { throw error() }
        return statement
    }

    /// Binds texts to parameters `from`, `from + 1`, … (SQLite copies them).
    func bind(_ statement: OpaquePointer, _ texts: [String], from first: Int32 = 1) {
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (i, t) in texts.enumerated() { sqlite3_bind_text(statement, first + Int32(i), t, -1, transient) }
    }

    func text(_ statement: OpaquePointer, _ column: Int32) -> String {
        sqlite3_column_text(statement, column).map { String(cString: $0) } ?? ""
    }

    func identity(_ statement: OpaquePointer, path: String) throws(StoreError) -> EvaluatorIdentity {
        guard let metric = EvaluatorIdentity.Metric(rawValue: text(statement, 3)) else {
            throw .database(path: path, reason: "holds an unknown metric '\(text(statement, 3).excerpt)'")
        }
        return EvaluatorIdentity(name: text(statement, 0), metric: metric, device: text(statement, 2), version: text(statement, 1))
    }

    func scalarInt(_ sql: String) throws(StoreError) -> Int {
        let statement = try prepare(sql)
        defer { sqlite3_finalize(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW else { throw error() }
        return Int(sqlite3_column_int64(statement, 0))
    }

    func scalarText(_ sql: String) throws(StoreError) -> String {
        let statement = try prepare(sql)
        defer { sqlite3_finalize(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW else { throw error() }
        return text(statement, 0)
    }
}
