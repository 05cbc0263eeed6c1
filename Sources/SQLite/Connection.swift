internal import CSQLite
import FoundationEssentials
import Glibc

/// The durability of commits. `full` survives power loss (DESIGN.md rule 2); `normal`
/// survives process crashes only and is an explicit opt-in.
public enum SynchronousMode: String, Sendable, CaseIterable {
    case full = "FULL"
    case normal = "NORMAL"
}

/// One open SQLite database file, used by one thread at a time (each worker is a
/// single-threaded process). Prepared statements are cached by their SQL text.
public final class Connection {
    let handle: OpaquePointer
    public let path: String
    private var statements: [String: Statement] = [:]

    /// Opens `path`. With `create: false` a missing file is an error, so that a request for an
    /// unknown venue can never create a file. With `keepsWALFiles`, closing the last
    /// connection leaves the `-wal` (empty) and `-shm` files in place for the next opener.
    public init(path: String, create: Bool, synchronous: SynchronousMode = .full, keepsWALFiles: Bool = false) throws(SQLiteError) {
        var db: OpaquePointer?
        let flags =
            SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX
            | SQLITE_OPEN_NOFOLLOW
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(db)
            throw SQLiteError(code: rc, message: message, sql: nil)
        }
        handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        // Writers queue on a per-file flock (see WriteLock), so the busy handler is only a
        // safety net for readers racing a checkpoint and for tools outside the pool.
        sqlite3_busy_timeout(db, 5000)
        // The last connection's close still checkpoints the WAL, then truncates it to zero
        // (journal_size_limit) instead of unlinking it: workers close and reopen venues
        // outside their LRU all the time, and unlinking and re-creating two files each time
        // cost more than the rest of an open.
        var persistWAL: Int32 = keepsWALFiles ? 1 : 0
        sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &persistWAL)
        try execute("PRAGMA journal_mode = WAL")
        try execute("PRAGMA synchronous = \(synchronous.rawValue)")
        try execute("PRAGMA foreign_keys = ON")
        try execute("PRAGMA journal_size_limit = 67108864")
        try execute("PRAGMA temp_store = MEMORY")
        // A small page cache (512 KiB): a worker may hold 64 venues open, another process's commit
        // empties the cache anyway, and re-reads come from the kernel's page cache.
        try execute("PRAGMA cache_size = -512")
        // Replaces SQLite's automatic checkpoint, which runs inside the committing statement:
        // `Database` checkpoints once the committing worker has answered.
        sqlite3_wal_hook(
            db,
            { context, _, _, frames in
                Unmanaged<Connection>.fromOpaque(context!).takeUnretainedValue().walFrames = Int(frames)
                return SQLITE_OK
            }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Frames in the WAL after this connection's last commit.
    private(set) var walFrames = 0

    /// Copies committed WAL frames into the database file without waiting for readers
    /// (`PASSIVE`; a checkpoint already running elsewhere makes this one a no-op). The next
    /// writer restarts a fully copied WAL.
    public func checkpointPassively() {
        walFrames = 0
        _ = sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements without parameters (schema, pragmas).
    public func execute(_ sql: String) throws(SQLiteError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? lastErrorMessage
            sqlite3_free(errorMessage)
            throw SQLiteError(code: rc, message: message, sql: sql)
        }
    }

    /// `fdatasync` of the WAL file, through SQLite's own handle of it (the file a reset or a
    /// checkpoint keeps using). Makes every commit so far durable.
    public func flushWAL() throws(SQLiteError) {
        var file: UnsafeMutablePointer<sqlite3_file>?
        let rc = sqlite3_file_control(handle, "main", SQLITE_FCNTL_JOURNAL_POINTER, &file)
        guard rc == SQLITE_OK, let file, let methods = file.pointee.pMethods, let sync = methods.pointee.xSync else {
            throw SQLiteError(code: rc == SQLITE_OK ? SQLITE_MISUSE : rc, message: "the WAL file is not open", sql: nil)
        }
        let synced = sync(file, SQLITE_SYNC_NORMAL)
        guard synced == SQLITE_OK else { throw SQLiteError(code: synced, message: "cannot flush the WAL to disk", sql: nil) }
    }

    /// A cached prepared statement for `sql`, reset and with its bindings cleared.
    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        if let cached = statements[sql] {
            cached.reset()
            return cached
        }
        let statement = try Statement(connection: self, sql: sql)
        statements[sql] = statement
        return statement
    }

    /// Whether a transaction is open (SQLite ends one by itself after some errors).
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    public var userVersion: Int {
        get throws(SQLiteError) { try prepare("PRAGMA user_version").queryInt() ?? 0 }
    }

    var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    func error(_ rc: Int32, sql: String?) -> SQLiteError {
        SQLiteError(
            code: sqlite3_extended_errcode(handle) != 0 ? sqlite3_extended_errcode(handle) : rc,
            message: lastErrorMessage, sql: sql)
    }

    /// Copies this live database into a new file at `destination` with `VACUUM INTO`: a
    /// consistent snapshot even while other processes write.
    public func backup(to destination: String) throws(SQLiteError) {
        try prepare("VACUUM INTO ?").bind(destination).run()
    }

    /// Bytes in the `-wal` file of the database at `path`, open here or not (0 when absent).
    public static func walSize(ofDatabaseAt path: String) -> Int {
        var status = stat()
        return stat(path + "-wal", &status) == 0 ? Int(status.st_size) : 0
    }
}
