// A thin wrapper over SQLite's C API: open, prepare (with a statement cache), bind, step, transactions.
// Chosen over GRDB because the engine needs only this, plus the raw handle for FTS5 specifics, and the
// hot query path should be nothing but sqlite3_step; see ARCHITECTURE.md.

import CSQLite
import Foundation

public struct SQLiteError: Error, CustomStringConvertible, CustomDebugStringConvertible, Sendable {
    public var code: Int32
    public var message: String
    /// The statement that failed: for logs at debug level, never for a person (`debugDescription`).
    public var sql: String?
    /// The database file the connection had open.
    public var path: String?

    public init(code: Int32, message: String, sql: String?, path: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
        self.path = path
    }

    /// One line per kind of failure that names the file and what to do; never SQL.
    public var description: String {
        let file = path ?? "the index"
        switch code {
        case SQLITE_FULL:
            return "the disk holding \(file) is full; free some space and run again (the index is as it was)"
        case SQLITE_IOERR where path.map(Self.diskIsFull) == true:
            return "the disk holding \(file) is full; free some space and run again (the index is as it was)"
        case SQLITE_IOERR:
            return "reading or writing \(file) failed (\(message)); check the disk it is on, then run again"
        case SQLITE_READONLY, SQLITE_PERM:
            return "\(file) cannot be written (a read-only file, folder or mount); make it writable, or search it with --no-update"
        case SQLITE_BUSY, SQLITE_LOCKED:
            return "\(file) is locked by another program writing it; run again when it has finished"
        case SQLITE_CORRUPT, SQLITE_NOTADB:
            return "\(file) is damaged or not an AskDocs index; rebuild it with `askdocs index --full --index \(file) --corpus DOCS_FOLDER`"
        case SQLITE_CANTOPEN:
            return "cannot open \(file) (\(message)); check that its folder exists and can be written"
        case SQLITE_NOMEM:
            return "out of memory while using \(file); close other programs and run again"
        default:
            return "the index \(file) could not be used (SQLite: \(message))"
        }
    }

    /// The kind of failure in a few words, without the file: for clients of a server.
    public var kind: String {
        switch code {
        case SQLITE_FULL: return "disk full"
        case SQLITE_IOERR: return path.map(Self.diskIsFull) == true ? "disk full" : "disk I/O error"
        case SQLITE_READONLY, SQLITE_PERM: return "read-only"
        case SQLITE_BUSY, SQLITE_LOCKED: return "locked by another writer"
        case SQLITE_CORRUPT, SQLITE_NOTADB: return "damaged"
        case SQLITE_CANTOPEN: return "cannot open the file"
        case SQLITE_NOMEM: return "out of memory"
        default: return "SQLite error \(code)"
        }
    }

    public var debugDescription: String {
        "SQLite error \(code): \(message)" + (path.map { " [\($0)]" } ?? "") + (sql.map { " (in: \($0.prefix(160)))" } ?? "")
    }

    /// Whether the filesystem holding `path` has no space left: SQLite reports a write that found the disk
    /// full as a plain I/O error when it is the `-shm` or `-wal` file that could not grow.
    static func diskIsFull(_ path: String) -> Bool {
        var stats = statvfs()
        let folder = (path as NSString).deletingLastPathComponent
        guard statvfs(folder.isEmpty ? "." : folder, &stats) == 0 else { return false }
        return stats.f_bavail == 0
    }
    /// Another connection holds the lock longer than the busy timeout.
    public var isBusy: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }

    /// Runs `body` again while it fails because another connection holds the lock past SQLite's busy
    /// timeout, for up to `seconds`; `waiting` is called once, when the first wait begins.
    public static func retryingWhileBusy<T>(for seconds: Double, waiting: (() -> Void)? = nil,
                                            _ body: () throws -> T) throws -> T {
        let deadline = Date().addingTimeInterval(seconds)
        var waited = false
        while true {
            do {
                return try body()
            } catch let error as SQLiteError where error.isBusy && Date() < deadline {
                if !waited { waiting?(); waited = true }
            }
        }
    }
    /// The file is not a database or is damaged.
    public var isCorruption: Bool { code == SQLITE_CORRUPT || code == SQLITE_NOTADB }
}

/// SQLITE_TRANSIENT: SQLite copies bound text before the Swift string goes away.
let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

public final class SQLiteConnection {
    let handle: OpaquePointer
    private var cache: [String: Statement] = [:]
    public let path: String

    /// `immutable` (read-only only) tells SQLite the file cannot change while open: no locks, no `-shm`,
    /// which is what lets a WAL index on a read-only folder or mount be read at all.
    public init(path: String, readOnly: Bool = false, immutable: Bool = false) throws {
        var db: OpaquePointer?
        var flags = readOnly ? SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
                             : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        var name = path
        if readOnly && immutable {
            flags |= SQLITE_OPEN_URI
            let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
            let allowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "?#%"))
            name = "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute) + "?immutable=1"
        }
        let rc = sqlite3_open_v2(name, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(code: rc, message: message, sql: nil, path: path)
        }
        handle = db
        self.path = path
        sqlite3_busy_timeout(db, 5_000)
        sqlite3_extended_result_codes(db, 0)
    }

    deinit {
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    func error(_ rc: Int32, _ sql: String?) -> SQLiteError {
        SQLiteError(code: rc, message: String(cString: sqlite3_errmsg(handle)), sql: sql, path: path)
    }

    /// Runs one or more statements that return nothing.
    public func execute(_ sql: String) throws {
        var err: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &err)
        if rc != SQLITE_OK {
            let message = err.map { String(cString: $0) } ?? "error"
            sqlite3_free(err)
            throw SQLiteError(code: rc, message: message, sql: sql, path: path)
        }
    }

    /// A prepared statement, reused across calls with the same SQL.
    public func prepare(_ sql: String) throws -> Statement {
        if let s = cache[sql] {
            s.reset()
            return s
        }
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error(rc, sql) }
        let s = Statement(stmt, connection: self, sql: sql)
        cache[sql] = s
        return s
    }

    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    public var changes: Int { Int(sqlite3_changes(handle)) }
}

public final class Statement {
    let handle: OpaquePointer
    unowned let connection: SQLiteConnection
    let sql: String

    init(_ handle: OpaquePointer, connection: SQLiteConnection, sql: String) {
        self.handle = handle
        self.connection = connection
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Ends a read that stopped before the last row, so the statement holds no lock or read snapshot.
    public func finish() { sqlite3_reset(handle) }

    func reset() {
        finish()
        sqlite3_clear_bindings(handle)
    }

    public enum Value {
        case int(Int64), double(Double), text(String), blob([UInt8]), null
    }

    @discardableResult
    public func bind(_ values: Value...) throws -> Statement { try bind(values) }

    @discardableResult
    public func bind(_ values: [Value]) throws -> Statement {
        reset()
        for (i, v) in values.enumerated() {
            let idx = Int32(i + 1)
            let rc: Int32
            switch v {
            case .int(let x): rc = sqlite3_bind_int64(handle, idx, x)
            case .double(let x): rc = sqlite3_bind_double(handle, idx, x)
            case .text(let s): rc = sqlite3_bind_text(handle, idx, s, -1, transient)
            case .blob(let b):
                rc = b.withUnsafeBytes { sqlite3_bind_blob(handle, idx, $0.baseAddress, Int32($0.count), transient) }
            case .null: rc = sqlite3_bind_null(handle, idx)
            }
            if rc != SQLITE_OK { throw connection.error(rc, sql) }
        }
        return self
    }

    /// Steps once; true while a row is available.
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        let e = connection.error(rc, sql)
        sqlite3_reset(handle)
        throw e
    }

    /// Runs a statement that returns no rows.
    public func run() throws {
        while try step() {}
        sqlite3_reset(handle)
    }

    public func int(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    public func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }
    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
    public func text(_ column: Int32) -> String {
        guard let p = sqlite3_column_text(handle, column) else { return "" }
        let n = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }
    public func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }
    /// The column's bytes, valid until the next step: read them before stepping again.
    public func blob(_ column: Int32) -> UnsafeRawBufferPointer {
        let n = Int(sqlite3_column_bytes(handle, column))
        guard n > 0, let p = sqlite3_column_blob(handle, column) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: p, count: n)
    }
}
