public import SQLite

// The SQLite names that Storage's clients need: the durability setting, the errors it throws
// (one of them mapped to an HTTP answer) and the write-lock metrics. Not `Database` or `Connection`: only Storage
// opens handles, and only its invariant-keeping operations write (DESIGN.md, "Storage").

/// The durability of commits (see `SQLite.SynchronousMode`).
public typealias SynchronousMode = SQLite.SynchronousMode
/// A failure reported by SQLite (see `SQLite.SQLiteError`).
public typealias SQLiteError = SQLite.SQLiteError
/// A failed system call around a database file (see `SQLite.SystemError`).
public typealias SystemError = SQLite.SystemError
/// Write-lock waits of this process, for the metrics (see `SQLite.LockWaits`).
public typealias LockWaits = SQLite.LockWaits
