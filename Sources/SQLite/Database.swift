/// A connection plus the write lock that serialises writers across processes.
///
/// Reads run on the connection directly (WAL gives them a snapshot without blocking);
/// every write goes through `write`, which takes the file's lock and then
/// `BEGIN IMMEDIATE`, so writers queue in the kernel and never hit SQLITE_BUSY.
///
/// Durable commits (`.full`) are group commits: the transaction commits under the lock
/// without a flush (SQLite's `NORMAL`), and `write` flushes the WAL after releasing the
/// lock, before it returns. A caller therefore never answers before its commit is on disk,
/// but the flush is no longer inside the critical section: writers of other processes
/// commit while it runs, and the kernel serves their concurrent flushes with one journal
/// commit. Other processes may read a commit a few milliseconds before it is flushed (a
/// seat map, a replay whose own write flushes first); only a power loss in that window can
/// take back what they saw, never what a writer answered.
public final class Database {
    public let connection: Connection
    private let lock: WriteLock
    let flushesAfterCommit: Bool
    /// WAL flushes made by `write` (for tests).
    private(set) var walFlushes = 0

    /// WAL frames (pages) after which `checkpointIfDue` copies the WAL into the database.
    /// Larger means fewer checkpoints, each with two flushes, and a page written many times
    /// copied once (8,000: a 32 MiB WAL; smaller intervals measured in docs/benchmarks.md).
    let checkpointFrames: Int
    /// Whether `checkpoint` may truncate the WAL. Not under a replicator such as Litestream,
    /// which reads the WAL from a long read transaction and truncates it itself once it has
    /// copied it: a truncating checkpoint would wait for that reader with the write lock held
    /// and, when it won, drop frames not yet replicated.
    let truncatesWAL: Bool

    /// `keepsWALFiles`: see `Connection.init`.
    public init(
        path: String, create: Bool, synchronous: SynchronousMode, checkpointFrames: Int = 8000, truncatesWAL: Bool = true,
        keepsWALFiles: Bool = false
    ) throws {
        flushesAfterCommit = synchronous == .full
        self.checkpointFrames = checkpointFrames
        self.truncatesWAL = truncatesWAL
        let lock = try WriteLock(path: path + ".lock")
        // Opened under the lock: the pool's processes start together, and switching a new
        // file to WAL needs it alone (SQLite answers "database is locked" at once, no retry).
        try lock.acquire()
        defer { lock.release() }
        connection = try Connection(
            path: path, create: create, synchronous: flushesAfterCommit ? .normal : synchronous, keepsWALFiles: keepsWALFiles)
        self.lock = lock
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction under the write lock. Commits when
    /// `body` returns, rolls back when it throws; with durable commits, returns only once
    /// the commit is on disk. Inside `batch`, the write is a savepoint of the batch's
    /// transaction instead.
    public func write<T>(_ body: (Connection) throws -> T) throws -> T {
        if batchState != nil { return try savepoint(body) }
        return try transaction { try body(connection) }
    }

    /// Runs `body` as one write transaction in which every `write` is a savepoint: a write
    /// that throws is rolled back alone, the others commit together, under one lock and with
    /// one flush. Many requests' writes thus cost one transaction (issue 8: the lock, the
    /// cold page cache and the commit are paid once per batch, not once per write).
    /// Throws, committing nothing, when the transaction itself fails.
    public func batch<T>(_ body: () throws -> T) throws -> T {
        precondition(batchState == nil, "batches do not nest")
        return try transaction {
            batchState = .open
            defer { batchState = nil }
            let result = try body()
            try ensureBatchIntact()
            return result
        }
    }

    /// Throws when SQLite ended the running batch's transaction itself: a write made now
    /// would commit on its own, outside the batch.
    public func ensureBatchIntact() throws {
        if case .broken(let error) = batchState { throw error }
        guard connection.isInTransaction else { throw SQLiteError(code: .error, message: "the batch's transaction ended", sql: nil) }
    }

    private enum BatchState {
        case open
        /// SQLite ended the transaction itself (an I/O error, a full disk): writes that
        /// seemed to succeed are gone, so the whole batch fails.
        case broken(any Error)
    }

    private var batchState: BatchState?

    private func transaction<T>(_ body: () throws -> T) throws -> T {
        let result = try lock.withLock {
            // Prepared once, like every statement: `execute` would parse them on every write.
            try connection.prepare("BEGIN IMMEDIATE").run()
            do {
                let result = try body()
                try connection.prepare("COMMIT").run()
                return result
            } catch {
                try? connection.execute("ROLLBACK")
                throw error
            }
        }
        if flushesAfterCommit {
            // Inside `exclusively`, one flush once the lock is released covers every commit.
            if lock.isHeld { flushDue = true } else { flushWAL() }
        }
        // A process that never calls `checkpointIfDue` (a command, the auth database) still
        // keeps its WAL bounded.
        if connection.walFrames >= 2 * checkpointFrames { checkpointToTheEnd() }
        return result
    }

    /// Checkpoints once the WAL has `checkpointFrames` frames. SQLite would do it inside a
    /// commit, keeping that commit's caller waiting; workers call this after answering.
    public func checkpointIfDue() {
        if connection.walFrames >= checkpointFrames { checkpointToTheEnd() }
    }

    /// Runs `body` holding the write lock, so that the transactions it makes (`write`,
    /// `batch`) follow one another with no other process's commit between them: SQLite's
    /// page cache stays warm, and with durable commits one flush after the lock is released
    /// covers them all (before this returns). Only for work between the transactions that
    /// takes no time: every other writer of the file waits meanwhile.
    public func exclusively<T>(_ body: () throws -> T) throws -> T {
        defer {
            if !lock.isHeld {
                if flushDue { flushWAL() }
                let actions = afterRelease
                afterRelease.removeAll()
                actions.forEach { $0() }
            }
        }
        return try lock.withLock(body)
    }

    /// Runs `action` once the writes made so far are on disk and the lock is released: at
    /// once, or when the running `exclusively` ends (e.g. publishing what they changed).
    public func whenReleased(_ action: @escaping () -> Void) {
        if lock.isHeld { afterRelease.append(action) } else { action() }
    }

    private var flushDue = false
    private var afterRelease: [() -> Void] = []

    private func flushWAL() {
        flushDue = false
        // The commit stands, visible to everyone, but is not known to be on disk: no
        // caller may take it back (refund it, report it failed), and after a failed
        // fsync the kernel may have dropped the pages. Stop, as PostgreSQL does; the pool
        // replaces the process and SQLite recovers what reached the disk.
        do { try connection.flushWAL() } catch { fatalError("cannot flush the WAL of \(connection.path) to disk: \(error)") }
        walFlushes += 1
    }

    /// Copies the WAL while writers go on, then, under the write lock, the few frames they
    /// added meanwhile: a checkpoint that copies every frame lets the next writer start the
    /// WAL over. (Run only outside the lock, under steady writes it never caught up and the
    /// WAL grew to hundreds of MB; run only under it, every writer waited for the whole copy.)
    /// Skipped when another process is at it: its pass under the lock finishes the job.
    private func checkpointToTheEnd() {
        guard lock.takeCheckpointTurn() else { return }
        defer { lock.endCheckpointTurn() }
        connection.checkpointPassively()
        try? lock.withLock { connection.checkpointPassively() }
    }

    private func savepoint<T>(_ body: (Connection) throws -> T) throws -> T {
        if case .broken(let error) = batchState { throw error }
        try connection.prepare("SAVEPOINT write").run()
        do {
            let result = try body(connection)
            try connection.prepare("RELEASE write").run()
            return result
        } catch {
            do {
                try connection.prepare("ROLLBACK TO write").run()
                try connection.prepare("RELEASE write").run()
            } catch let rollbackError {
                batchState = .broken(rollbackError)
            }
            if !connection.isInTransaction { batchState = .broken(error) }
            throw error
        }
    }

    /// Checkpoints the whole WAL into the database and truncates it, under the write lock so
    /// no writer is kept waiting on SQLite's busy handler. Bounds the WAL under constant readers.
    /// Without `truncatesWAL`, copies what no reader still needs and leaves the WAL's
    /// truncation to the replicator.
    public func checkpoint() throws {
        guard truncatesWAL else { return checkpointToTheEnd() }
        try lock.withLock { try connection.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
    }

    /// Runs `body` in a read transaction: one consistent snapshot for several queries.
    public func read<T>(_ body: (Connection) throws -> T) throws -> T {
        try connection.prepare("BEGIN DEFERRED").run()  // prepared once, as in `transaction`
        defer { try? connection.prepare("COMMIT").run() }
        return try body(connection)
    }
}
