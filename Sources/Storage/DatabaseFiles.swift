internal import SQLite

/// Operations on a database file by its path, for commands and metrics that work on files
/// rather than on an open store (backups, restores, checks, WAL sizes).
public enum DatabaseFiles {
    /// What is wrong with the existing database at `path`: SQLite's integrity check and, for
    /// a venue file, the booking invariants. Empty when the file is sound.
    public static func problems(inDatabaseAt path: String, isVenue: Bool) throws -> [String] {
        let database = try Database(path: path, create: false, synchronous: .full)
        return try database.checkIntegrity() + (isVenue ? try database.checkBookingInvariants() : [])
    }

    /// Copies the live database at `path` into a new file at `destination`: a consistent
    /// snapshot even while other processes write (`VACUUM INTO`).
    public static func snapshot(databaseAt path: String, to destination: String) throws {
        let database = try Database(path: path, create: false, synchronous: .full)
        try database.connection.backup(to: destination)
    }

    /// The schema version of the database at `path` (`PRAGMA user_version`: the migrations
    /// applied), for a backup's manifest.
    public static func schemaVersion(ofDatabaseAt path: String) throws -> Int {
        try Database(path: path, create: false, synchronous: .full).connection.userVersion
    }

    /// Bytes in the `-wal` file of the database at `path`, open here or not (0 when absent).
    public static func walSize(ofDatabaseAt path: String) -> Int {
        Connection.walSize(ofDatabaseAt: path)
    }
}
